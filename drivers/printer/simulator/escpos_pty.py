"""Serve a :class:`SimulatedReceiptPrinter` on a pseudo-terminal that the driver opens like a serial port."""

from __future__ import annotations

from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.pty_server import PtyServer


class EscPosPty(PtyServer):
    thread_name = "escpos-sim"

    def __init__(self, printer: SimulatedReceiptPrinter) -> None:
        super().__init__()
        self.printer = printer

    def __enter__(self) -> EscPosPty:
        self.start()
        return self

    def answer(self, data: bytes) -> bool:
        reply = self.printer.handle(data)
        return self.send(reply) if reply else True
