"""pyserial URL handler ``idcardsim://``: the simulated reader in-process, bytes paced like the wire.

``idcardsim://NAME`` connects to a reader registered with :func:`register`;
``idcardsim://?card=resident|hmt|foreign|none&fault=NAME&pace=0|1`` builds a fresh one.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from typing import Any

from serial.serialutil import PortNotOpenError, SerialBase, SerialException, SerialTimeoutException

from drivers.idcard.simulator.engine import Faults, SimulatedReader, wire_time_s
from drivers.idcard.simulator.people import sample_cards
from drivers.idcard.simulator.registry import lookup


def reader_from_url(url: str) -> tuple[SimulatedReader, bool]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "idcardsim":
        raise SerialException(f"expected idcardsim://NAME or idcardsim://?card=…, got {url!r}")
    options = urllib.parse.parse_qs(parts.query)
    pace = options.get("pace", ["1"])[0] != "0"
    if parts.netloc:
        reader = lookup(parts.netloc)
        if reader is None:
            raise SerialException(f"no simulated reader registered as {parts.netloc!r}")
        return reader, pace
    kind = options.get("card", ["resident"])[0]
    cards = sample_cards()
    if kind not in {*cards, "none"}:
        raise SerialException(f"unknown card kind {kind!r}; use {', '.join([*cards, 'none'])}")
    try:
        faults = Faults.named(*options.get("fault", []))
    except ValueError as exc:
        raise SerialException(str(exc)) from exc
    return SimulatedReader(None if kind == "none" else cards[kind], faults), pace


class Serial(SerialBase):  # type: ignore[misc]
    """The port side of a :class:`SimulatedReader`; reads honour pyserial's timeout semantics."""

    is_open: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._reader: SimulatedReader | None = None
        self._pace = True
        self._pending: list[tuple[float, bytes]] = []  # (time the bytes arrive, bytes)
        self._ready = threading.Condition()
        super().__init__(*args, **kwargs)

    def open(self) -> None:
        if self.is_open:
            raise SerialException("port is already open")
        if self._port is None:
            raise SerialException("port must be configured before it can be used")
        reader, pace = reader_from_url(self._port)
        if not reader.plugged:
            raise SerialException(f"could not open port {self._port}: no such device")
        self._reader, self._pace = reader, pace
        self.is_open = True
        self.reset_input_buffer()

    def close(self) -> None:
        self.is_open = False
        with self._ready:
            self._pending.clear()
            self._ready.notify_all()

    def _reconfigure_port(self) -> None:
        pass

    def _live(self) -> SimulatedReader:
        if not self.is_open or self._reader is None:
            raise PortNotOpenError()
        if not self._reader.plugged:
            raise SerialException(
                "device reports readiness to read but returned no data (device disconnected?)"
            )
        return self._reader

    @property
    def in_waiting(self) -> int:
        self._live()
        now = time.monotonic()
        with self._ready:
            return sum(len(data) for at, data in self._pending if at <= now)

    def write(self, data: bytes) -> int:
        reader = self._live()
        chunks = reader.handle(bytes(data))
        at = time.monotonic() + (wire_time_s(len(data), reader.baudrate) if self._pace else 0.0)
        with self._ready:
            for chunk in chunks:
                at += chunk.delay_s + (wire_time_s(len(chunk.data), reader.baudrate) if self._pace else 0.0)
                self._pending.append((at, chunk.data))
            self._ready.notify_all()
        return len(data)

    def read(self, size: int = 1) -> bytes:
        self._live()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        out = bytearray()
        with self._ready:
            while len(out) < size:
                now = time.monotonic()
                while self._pending and self._pending[0][0] <= now and len(out) < size:
                    at, data = self._pending.pop(0)
                    take = size - len(out)
                    out += data[:take]
                    if len(data) > take:
                        self._pending.insert(0, (at, data[take:]))
                if len(out) >= size or not self.is_open:
                    break
                waits = [self._pending[0][0] - now] if self._pending else []
                if deadline is not None:
                    if now >= deadline:
                        break
                    waits.append(deadline - now)
                self._ready.wait(min(waits) if waits else None)
                self._live()
        return bytes(out)

    def reset_input_buffer(self) -> None:
        with self._ready:
            self._pending.clear()

    def reset_output_buffer(self) -> None:
        pass

    def flush(self) -> None:
        pass

    @property
    def out_waiting(self) -> int:
        return 0

    def cancel_read(self) -> None:
        with self._ready:
            self._ready.notify_all()

    def _update_dtr_state(self) -> None:
        pass

    def _update_rts_state(self) -> None:
        pass

    def _update_break_state(self) -> None:
        pass


__all__ = ["Serial", "SerialTimeoutException"]
