"""Receipts on an ESC/POS thermal printer: bytes and status bits (``protocol``), the link through
python-escpos (``transport``), and the printer as a device (``device``)."""
