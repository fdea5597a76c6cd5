"""Printers: A4 certificates through CUPS (``cups/``), receipts over ESC/POS (``escpos/``), a spool
directory for machines without CUPS (``spool.py``), and their simulators (``simulator/``)."""
