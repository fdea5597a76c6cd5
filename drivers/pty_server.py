"""A simulated serial device on a pseudo-terminal: the driver opens its path like ``/dev/ttyUSB0``.

Subclasses answer the bytes the driver writes (:meth:`PtyServer.answer`). ``link`` keeps a stable
name (like ``/dev/serial/by-id/…``) that survives :meth:`unplug` / :meth:`plug`, which swap the pty
beneath it, as a USB adapter pulled and plugged back gets a new ttyUSB number.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty
from pathlib import Path


class PtyServer:
    thread_name = "pty-sim"

    def __init__(self, link: Path | None = None) -> None:
        self.link = link
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
        self._thread = threading.Thread(target=self._serve, name=self.thread_name, daemon=True)
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
        """As if the cable were pulled: the pty goes away and the port reports an error."""
        self.stop()

    def plug(self) -> str:
        return self.start()

    def __enter__(self) -> PtyServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def answer(self, data: bytes) -> bool:
        """Handle bytes from the driver; False ends the service (the pty went away)."""
        raise NotImplementedError

    def send(self, data: bytes) -> bool:
        """Write to the driver; False when the pty is gone."""
        try:
            os.write(self._master, data)
        except OSError:
            return False
        return True

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([self._master], [], [], 0.05)
                if not readable:
                    continue
                data = os.read(self._master, 4096)
            except OSError:
                return
            if not self.answer(data):
                return
