"""The link to a receipt printer through python-escpos: a serial line (or pty) or a TCP socket (9100).

python-escpos owns opening the port; we send bytes built by :mod:`protocol` through its ``_raw`` and
read status bytes one at a time (its ``_read`` asks for 16 bytes and so waits out the whole timeout).

An unplugged USB-serial printer or a pty whose other side went away fails in three ways: pyserial's
``SerialException``, a plain ``OSError``, and ``termios.error`` (``tcflush``/``tcdrain`` on a dead tty),
which is no OSError. All three become :class:`~drivers.printer.errors.PrinterUnavailable` and close
the link, so that the next use reopens it (or reports the printer missing).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import termios
from typing import Any
from urllib.parse import urlsplit

import serial
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Network
from escpos.printer import Serial as EscPosSerial

from drivers.printer import errors

log = logging.getLogger(__name__)

# What a link that went away raises; termios.error comes from the tty calls and is not an OSError.
LINK_ERRORS = (serial.SerialException, OSError, termios.error)


class EscPosLink:
    """``url``: a device path (``/dev/ttyUSB0``, ``/dev/pts/3``), ``serial:///dev/ttyS0``, or
    ``tcp://192.168.1.50:9100``."""

    def __init__(self, url: str, baudrate: int = 9600, timeout_s: float = 0.5) -> None:
        self.url = url
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self._printer: Any = None

    @property
    def is_open(self) -> bool:
        return self._printer is not None

    def open(self) -> None:
        if self._printer is not None:
            return
        parts = urlsplit(self.url)
        try:
            if parts.scheme == "tcp":
                printer: Any = Network(parts.hostname or "", parts.port or 9100, timeout=self.timeout_s)
            else:
                path = parts.path if parts.scheme == "serial" else self.url
                # dsrdtr off: most receipt printers wire no DSR, and a pty has none
                printer = EscPosSerial(path, baudrate=self.baudrate, timeout=self.timeout_s, dsrdtr=False)
            printer.open()
        except (DeviceNotFoundError, ValueError, *LINK_ERRORS) as exc:
            raise errors.PrinterUnavailable(f"cannot open receipt printer at {self.url}: {exc}") from exc
        self._printer = printer

    def close(self) -> None:
        """Close the link; never raises (the port may be gone already)."""
        printer, self._printer = self._printer, None
        if printer is None:
            return
        try:
            printer.close()  # python-escpos flushes (tcdrain) first: that fails on a dead tty
        except LINK_ERRORS as exc:
            log.debug("closing receipt printer at %s: %s", self.url, exc)
            # Close the descriptor without the flush, and stop python-escpos's __del__ from trying again.
            device, printer._device = getattr(printer, "_device", None), False
            if device:
                with contextlib.suppress(*LINK_ERRORS):
                    device.close()

    def write(self, data: bytes) -> None:
        printer = self._opened()
        try:
            printer._raw(data)
        except LINK_ERRORS as exc:
            raise self._went_away(exc) from exc

    def read_byte(self) -> int | None:
        """One byte, or None when nothing came within the timeout."""
        device = self._opened().device
        try:
            data = device.recv(1) if isinstance(device, socket.socket) else device.read(1)
        except TimeoutError:
            return None
        except LINK_ERRORS as exc:
            raise self._went_away(exc) from exc
        return data[0] if data else None

    def discard_input(self) -> None:
        device = self._opened().device
        if isinstance(device, socket.socket):
            return
        try:
            device.reset_input_buffer()
        except LINK_ERRORS as exc:
            raise self._went_away(exc) from exc

    def _went_away(self, exc: BaseException) -> errors.PrinterUnavailable:
        self.close()
        return errors.PrinterUnavailable(f"receipt printer at {self.url} went away: {exc!r}")

    def _opened(self) -> Any:
        if self._printer is None:
            raise errors.PrinterUnavailable(f"receipt printer at {self.url} is not open")
        return self._printer
