"""Serve a :class:`SimulatedReceiptPrinter` on a pseudo-terminal that the driver opens like a serial port."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty

from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter


class EscPosPty:
    def __init__(self, printer: SimulatedReceiptPrinter) -> None:
        self.printer = printer
        self.path = ""
        self._master = -1
        self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="escpos-sim", daemon=True)
        self._thread.start()
        return self.path

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = -1

    def __enter__(self) -> EscPosPty:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([self._master], [], [], 0.05)
                if not readable:
                    continue
                data = os.read(self._master, 4096)
                answer = self.printer.handle(data)
                if answer:
                    os.write(self._master, answer)
            except OSError:
                return
