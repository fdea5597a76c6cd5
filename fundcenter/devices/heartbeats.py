"""Heartbeat ingest in batches: thousands of kiosks report every 15 s; one commit stores many reports.

A report is validated and acknowledged (202 Accepted) at once and written by a background thread within
``FLUSH_S`` in a single transaction with the others that arrived meanwhile: at most that much telemetry
is lost if the process dies, which heartbeats (repeated every few seconds) can afford. Whether a device
may report is read from a cache refreshed every ``DEVICE_TTL_S``, so a revocation silences heartbeats
within seconds (every other call checks the database each time).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from fundcenter.db import reading, writing
from fundcenter.errors import ApiError, Code
from fundcenter.models import Device, Heartbeat

log = logging.getLogger(__name__)
FLUSH_S = 0.05
DEVICE_TTL_S = 5.0


@dataclass(frozen=True, slots=True)
class CachedDevice:
    """What a heartbeat needs to know about its device: whether it may report, and its key."""

    id: str
    status: str
    certificate_pem: str | None
    spki_sha256: str | None


@dataclass(frozen=True)
class Report:
    device_id: str
    received_at: dt.datetime
    sent_at: dt.datetime
    overall: str
    payload: str


# Called inside the batch's transaction with the reports just stored (the staff console keeps each
# kiosk's latest state this way instead of scanning heartbeats).
Listener = Callable[[Session, Sequence[Report]], None]


class HeartbeatSink:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.listeners: list[Listener] = []
        self._pending: list[Report] = []
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._devices: dict[str, CachedDevice] = {}
        self._statuses_at = 0.0
        self._thread: threading.Thread | None = None

    def check(self, device_id: str) -> CachedDevice:
        """Raise the same errors as every other device call, from the cached device list."""
        if time.monotonic() - self._statuses_at > DEVICE_TTL_S or device_id not in self._devices:
            columns = (Device.id, Device.status, Device.certificate_pem, Device.spki_sha256)
            with reading(self._engine) as session:
                self._devices = {row.id: CachedDevice(*row) for row in session.execute(select(*columns))}
            self._statuses_at = time.monotonic()
        device = self._devices.get(device_id)
        if device is None:
            raise ApiError(Code.DEVICE_UNKNOWN)
        if device.status == "revoked":
            raise ApiError(Code.DEVICE_REVOKED)
        if device.status != "active":
            raise ApiError(Code.DEVICE_NOT_ENROLLED)
        return device

    def add(self, report: Report) -> None:
        with self._lock:
            self._pending.append(report)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="heartbeat-writer", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> int:
        """Write everything received so far (the writer thread calls this; so do shutdown and tests).
        When it returns, every report received before the call is stored, also one the writer thread
        was storing at that moment (flushes take turns)."""
        with self._flushing:
            return self._flush()

    def _flush(self) -> int:
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        last_seen: dict[str, dt.datetime] = {}
        for r in batch:
            last_seen[r.device_id] = max(r.received_at, last_seen.get(r.device_id, r.received_at))
        with writing(self._engine) as session:
            session.execute(
                insert(Heartbeat),
                [
                    {
                        "device_id": r.device_id,
                        "received_at": r.received_at,
                        "sent_at": r.sent_at,
                        "overall": r.overall,
                        "payload": r.payload,
                    }
                    for r in batch
                ],
            )
            devices = cast(Table, Device.__table__)
            session.connection().execute(  # one statement for the whole batch (executemany)
                update(devices)
                .where(devices.c.id == bindparam("b_id"))
                .values(last_seen_at=bindparam("b_seen")),
                [{"b_id": device_id, "b_seen": seen} for device_id, seen in last_seen.items()],
            )
            for listener in self.listeners:
                try:
                    with session.begin_nested():  # a listener's failure never costs the heartbeats
                        listener(session, batch)
                except Exception:
                    log.exception("heartbeat listener %s failed; the heartbeats are stored", listener)
        return len(batch)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            self._stop.wait(FLUSH_S)  # let a batch gather
            try:
                self.flush()
            except Exception:
                log.exception("heartbeat batch not stored; kiosks will report again")

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
        self.flush()
