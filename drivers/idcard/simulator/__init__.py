"""A wire-level GA/T 467 reader: the same frames as a real SAM reader, on a pty or as a pyserial URL.

- :class:`SimulatedReader` answers request bytes with response bytes (and timings), with faults.
- :class:`PtySimulator` serves it on a pseudo-terminal (``/dev/pts/N``) that the driver opens.
- ``idcardsim://NAME`` (pyserial URL) talks to a reader registered with :func:`register`, or
  ``idcardsim://?card=resident&fault=noise`` to a fresh one.
"""

from drivers.idcard.simulator.engine import FAULT_NAMES, Faults, SimulatedReader
from drivers.idcard.simulator.people import demo_cards, sample_cards
from drivers.idcard.simulator.pty import PtySimulator
from drivers.idcard.simulator.registry import register, unregister

__all__ = [
    "FAULT_NAMES",
    "Faults",
    "PtySimulator",
    "SimulatedReader",
    "demo_cards",
    "register",
    "sample_cards",
    "unregister",
]
