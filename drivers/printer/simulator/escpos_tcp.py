"""Serve a :class:`SimulatedReceiptPrinter` on a TCP port, like a network receipt printer on 9100."""

from __future__ import annotations

import contextlib
import socket
import threading

from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter


class EscPosTcp:
    def __init__(self, printer: SimulatedReceiptPrinter, host: str = "127.0.0.1", port: int = 0) -> None:
        self.printer = printer
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.1)
        self.url = "tcp://{}:{}".format(*self._listener.getsockname()[:2])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="escpos-tcp-sim", daemon=True)

    def __enter__(self) -> EscPosTcp:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(0.1)
                self._talk(conn)

    def _talk(self, conn: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                data = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            answer = self.printer.handle(data)
            if answer:
                with contextlib.suppress(OSError):
                    conn.sendall(answer)
