"""Serve a :class:`SimulatedReader` on a pseudo-terminal, paced at the line's baud rate.

The driver opens the pty's path exactly like ``/dev/ttyUSB0``. ``link`` keeps a stable name (like
``/dev/serial/by-id/…``) that survives :meth:`unplug` / :meth:`plug`, which swap the pty beneath it.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
import tty
from pathlib import Path

from drivers.idcard.simulator.engine import SimulatedReader, wire_time_s

_PIECE = 32  # bytes written at a time, so a long answer trickles in as it would at 115200 baud


class PtySimulator:
    def __init__(self, reader: SimulatedReader, link: Path | None = None, pace: bool = True) -> None:
        self.reader = reader
        self.link = link
        self.pace = pace
        self.path = ""
        self._master = -1
        self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Create the pty and serve it; returns the path to open (the link when one is set)."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        if self.link is not None:
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self.path)
            tmp.replace(self.link)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="idcard-sim", daemon=True)
        self._thread.start()
        return str(self.link) if self.link is not None else self.path

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

    def unplug(self) -> None:
        """As if the USB cable were pulled: the pty goes away and the port reports an error."""
        self.stop()

    def plug(self) -> str:
        return self.start()

    def __enter__(self) -> PtySimulator:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([self._master], [], [], 0.05)
                if not readable:
                    continue
                data = os.read(self._master, 4096)
            except OSError:
                return
            for chunk in self.reader.handle(data):
                if chunk.delay_s:
                    time.sleep(chunk.delay_s)
                if not self._write(chunk.data):
                    return

    def _write(self, data: bytes) -> bool:
        for i in range(0, len(data), _PIECE):
            piece = data[i : i + _PIECE]
            if self.pace:
                time.sleep(wire_time_s(len(piece), self.reader.baudrate))
            try:
                os.write(self._master, piece)
            except OSError:
                return False
            if self._stop.is_set():
                return False
        return True
