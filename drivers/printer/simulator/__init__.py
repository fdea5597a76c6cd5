"""Printer simulators that speak the real wire: a private cupsd with the ``kioskpdf`` backend (faults
from a file), and an ESC/POS receipt printer on a pty that parses what it receives."""
