"""Each kiosk's latest state, its state changes and its alerts.

Heartbeats update ``kiosk_states`` as they are stored (a listener of the heartbeat sink, in the same
transaction), so the console reads one row per kiosk instead of scanning heartbeats. Connectivity
(online, stale, offline) follows from the age of the last heartbeat; :func:`sweep` notices kiosks
that fell silent, records the change and raises an alert. An alert opens when a kiosk goes stale or
offline or a check goes to fault, and closes when it recovers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, and_, bindparam, insert, or_, select, text, update
from sqlalchemy.orm import Session

from fundcenter.console import labels
from fundcenter.console.settings import ConsoleSettings
from fundcenter.db import reading, writing
from fundcenter.devices.heartbeats import Report
from fundcenter.models import Alert, KioskEvent, KioskState

log = logging.getLogger(__name__)
LINK = "link"
RANK = {"ok": 0, "warning": 1, "fault": 2}
OPEN = ("new", "acknowledged")
OPTIMISE_EVERY_S = 3600.0
STATES = cast(Table, KioskState.__table__)
EVENTS = cast(Table, KioskEvent.__table__)
ALERTS = cast(Table, Alert.__table__)


@dataclass(frozen=True)
class Digest:
    """What the console needs from one heartbeat."""

    checks: dict[str, dict[str, str]]
    worst_level: str
    worst_check: str
    out_of_service: bool
    service_reason: str


def digest(overall: str, payload: dict[str, Any]) -> Digest:
    checks: dict[str, dict[str, str]] = {
        str(name)[:64]: {"level": str(c.get("level", "fault")), "summary": str(c.get("summary", ""))}
        for name, c in (payload.get("checks") or {}).items()
    }
    if not checks:  # a kiosk that sends peripherals only: a device not online is a fault
        for name, p in (payload.get("peripherals") or {}).items():
            level = "ok" if p.get("status") == "online" else "fault"
            checks[str(name)[:64]] = {"level": level, "summary": str(p.get("detail") or p.get("status"))}
        if overall != "online" and not checks:
            checks["overall"] = {"level": "fault", "summary": overall}
    worst_check, worst_level = "", "ok"
    for name, c in sorted(checks.items()):
        if RANK.get(c["level"], 2) > RANK[worst_level]:
            worst_check, worst_level = name, c["level"] if c["level"] in RANK else "fault"
    service = checks.get("service")
    out = service is not None and service["level"] == "fault"
    return Digest(checks, worst_level, worst_check, out, service["summary"][:256] if out and service else "")


def connectivity(last_seen: dt.datetime | None, now: dt.datetime, settings: ConsoleSettings) -> str:
    if last_seen is None:
        return "never"
    age = (now - last_seen).total_seconds()
    if age >= settings.offline_after_s:
        return "offline"
    return "stale" if age >= settings.stale_after_s else "online"


def _link_message(state: str, settings: ConsoleSettings) -> tuple[str, str]:
    if state == "offline":
        return "fault", f"终端离线：超过 {settings.offline_after_s:g} 秒未收到心跳"
    return "warning", f"心跳延迟：超过 {settings.stale_after_s:g} 秒未收到心跳"


class _Changes:
    """What one batch changes, written at the end in a few bulk statements (thousands of kiosks may
    report in one batch, or fall silent in one sweep)."""

    def __init__(self) -> None:
        self.new_states: list[dict[str, Any]] = []
        self.states: list[dict[str, Any]] = []  # full updates of a state's digest
        self.seen: list[dict[str, Any]] = []  # last_seen_at and connectivity only
        self.events: list[dict[str, Any]] = []
        self.opens: dict[tuple[str, str], tuple[str, str, dt.datetime]] = {}
        self.closes: list[dict[str, Any]] = []

    def event(
        self, device_id: str, at: dt.datetime, subject: str, change: tuple[str, str], detail: str
    ) -> None:
        before, after = change
        self.events.append(
            {
                "device_id": device_id,
                "at": at,
                "subject": subject,
                "before": before,
                "after": after,
                "detail": detail[:256],
            }
        )

    def open_alert(self, device_id: str, subject: str, level: str, message: str, at: dt.datetime) -> None:
        self.opens[device_id, subject] = (level, message[:256], at)

    def close_alert(self, device_id: str, subject: str, at: dt.datetime) -> None:
        self.closes.append({"b_device": device_id, "b_subject": subject, "b_at": at})

    def write(self, session: Session) -> None:
        conn = session.connection()
        states, alerts = STATES, ALERTS
        if self.new_states:
            conn.execute(insert(states), self.new_states)
        if self.states:
            columns = [c for c in self.states[0] if c != "b_device"]
            conn.execute(
                update(states)
                .where(states.c.device_id == bindparam("b_device"))
                .values({c: bindparam(c) for c in columns}),
                self.states,
            )
        if self.seen:
            conn.execute(
                update(states)
                .where(states.c.device_id == bindparam("b_device"))
                .values(last_seen_at=bindparam("b_seen"), connectivity=bindparam("b_connectivity")),
                self.seen,
            )
        if self.events:
            conn.execute(insert(EVENTS), self.events)
        if self.closes:
            conn.execute(
                update(alerts)
                .where(
                    alerts.c.device_id == bindparam("b_device"),
                    alerts.c.subject == bindparam("b_subject"),
                    alerts.c.status != "closed",  # open (IN cannot go into an executemany)
                )
                .values(status="closed", closed_at=bindparam("b_at")),
                self.closes,
            )
        if self.opens:
            self._write_opens(conn)

    def _write_opens(self, conn: Connection) -> None:
        """Open an alert per subject, or raise the level and message of the one already open."""
        alerts = ALERTS
        devices = sorted({device for device, _subject in self.opens})
        already: dict[tuple[str, str], tuple[int, str]] = {}
        for i in range(0, len(devices), 500):
            for row in conn.execute(
                select(alerts.c.id, alerts.c.device_id, alerts.c.subject, alerts.c.level).where(
                    alerts.c.status.in_(OPEN), alerts.c.device_id.in_(devices[i : i + 500])
                )
            ):
                already[row.device_id, row.subject] = (row.id, row.level)
        fresh, raised = [], []
        for (device, subject), (level, message, at) in self.opens.items():
            found = already.get((device, subject))
            if found is None:
                fresh.append(
                    {
                        "device_id": device,
                        "subject": subject,
                        "level": level,
                        "message": message,
                        "status": "new",
                        "raised_at": at,
                    }
                )
            elif RANK[level] > RANK[found[1]]:
                raised.append({"b_id": found[0], "b_level": level, "b_message": message})
        if fresh:
            conn.execute(insert(alerts), fresh)
        if raised:
            conn.execute(
                update(alerts)
                .where(alerts.c.id == bindparam("b_id"))
                .values(level=bindparam("b_level"), message=bindparam("b_message")),
                raised,
            )


class ConsoleState:
    """The heartbeat listener and the sweep, with the console's thresholds and the back end's clock."""

    def __init__(self, engine: Engine, settings: ConsoleSettings, now: Callable[[], dt.datetime]) -> None:
        self.engine = engine
        self.settings = settings
        self.now = now
        self._swept_at: dt.datetime | None = None
        self._sweep_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def on_heartbeats(self, session: Session, batch: Sequence[Report]) -> None:
        newest: dict[str, Report] = {}
        seen: dict[str, dt.datetime] = {}
        for r in batch:
            if r.device_id not in newest or r.sent_at >= newest[r.device_id].sent_at:
                newest[r.device_id] = r
            seen[r.device_id] = max(r.received_at, seen.get(r.device_id, r.received_at))
        ids = list(newest)
        known: dict[str, Any] = {}  # rows: device_id, connectivity, sent_at, checks
        for i in range(0, len(ids), 500):
            query = select(
                KioskState.device_id, KioskState.connectivity, KioskState.sent_at, KioskState.checks
            ).where(KioskState.device_id.in_(ids[i : i + 500]))
            known.update((row.device_id, row) for row in session.execute(query))
        changes = _Changes()
        for device_id, report in newest.items():
            self._apply(changes, known.get(device_id), report, seen[device_id])
        changes.write(session)

    def _apply(self, changes: _Changes, state: Any, report: Report, seen: dt.datetime) -> None:
        device_id = report.device_id
        if state is None:
            changes.event(device_id, seen, LINK, ("never", "online"), "首次收到心跳")
        elif state.connectivity != "online":
            changes.event(device_id, seen, LINK, (state.connectivity, "online"), "恢复心跳")
            changes.close_alert(device_id, LINK, seen)
        if state is not None and report.sent_at < state.sent_at:
            # a report from the kiosk's queue, older than what the console shows: only the contact counts
            changes.seen.append({"b_device": device_id, "b_seen": seen, "b_connectivity": "online"})
            return
        payload = json.loads(report.payload)
        d = digest(report.overall, payload)
        before: dict[str, dict[str, str]] = json.loads(state.checks) if state is not None else {}
        for name in sorted(before.keys() | d.checks.keys()):
            old = before.get(name, {}).get("level", "ok")
            new = d.checks.get(name, {}).get("level", "ok")
            if old == new:
                continue
            summary = d.checks.get(name, {}).get("summary", "")
            changes.event(device_id, seen, name, (old, new), summary)
            if new == "fault":
                changes.open_alert(device_id, name, "fault", f"{labels.check(name)}故障：{summary}", seen)
            elif old == "fault":
                changes.close_alert(device_id, name, seen)
        row = {
            "last_seen_at": seen,
            "sent_at": report.sent_at,
            "connectivity": "online",
            "overall": report.overall,
            "worst_level": d.worst_level,
            "worst_check": d.worst_check,
            "software_version": str(payload.get("software_version", ""))[:64],
            "out_of_service": d.out_of_service,
            "service_reason": d.service_reason,
            "outbox_pending": int(payload.get("outbox_pending", 0)),
            "checks": json.dumps(d.checks, ensure_ascii=False),
            "peripherals": json.dumps(payload.get("peripherals", {}), ensure_ascii=False),
        }
        if state is None:
            changes.new_states.append({"device_id": device_id, **row})
        else:
            changes.states.append({"b_device": device_id, **row})

    def sweep(self) -> int:
        """Mark kiosks whose heartbeats stopped as stale or offline; returns how many changed."""
        now = self.now()
        stale_cut = now - dt.timedelta(seconds=self.settings.stale_after_s)
        offline_cut = now - dt.timedelta(seconds=self.settings.offline_after_s)
        silent = or_(
            and_(KioskState.connectivity == "online", KioskState.last_seen_at < stale_cut),
            and_(KioskState.connectivity == "stale", KioskState.last_seen_at < offline_cut),
        )
        with reading(self.engine) as session:
            if session.scalar(select(KioskState.device_id).where(silent).limit(1)) is None:
                return 0
        changes = _Changes()
        with writing(self.engine) as session:
            rows = session.execute(
                select(KioskState.device_id, KioskState.connectivity, KioskState.last_seen_at).where(silent)
            ).all()
            for device_id, before, last_seen in rows:
                after = "offline" if last_seen < offline_cut else "stale"
                threshold = (
                    self.settings.offline_after_s if after == "offline" else self.settings.stale_after_s
                )
                at = last_seen + dt.timedelta(seconds=threshold)  # when it crossed the line
                level, message = _link_message(after, self.settings)
                changes.event(device_id, at, LINK, (before, after), message)
                changes.open_alert(device_id, LINK, level, message, at)
                changes.seen.append({"b_device": device_id, "b_seen": last_seen, "b_connectivity": after})
            changes.write(session)
        changed = len(rows)
        return changed

    def maybe_sweep(self, every_s: float = 1.0) -> None:
        """Sweep unless one ran in the last ``every_s`` (the console's requests call this)."""
        now = self.now()  # the back end's clock (a test's manual clock moves it at will)
        with self._sweep_lock:
            if self._swept_at is not None and abs((now - self._swept_at).total_seconds()) < every_s:
                return
            self._swept_at = now
        self.sweep()

    def start(self, every_s: float = 1.0) -> None:
        """Sweep in the background, so that alerts are raised while nobody looks (``fundcenter serve``)."""

        def run() -> None:
            self.optimise()
            optimised = time.monotonic()
            while not self._stop.wait(every_s):
                try:
                    self.maybe_sweep(every_s / 2)
                    if time.monotonic() - optimised > OPTIMISE_EVERY_S:
                        self.optimise()
                        optimised = time.monotonic()
                except Exception:
                    log.exception("console sweep failed; trying again")

        self._thread = threading.Thread(target=run, name="console-sweep", daemon=True)
        self._thread.start()

    def optimise(self) -> None:
        """Give SQLite's planner the tables' statistics (with 10,000 kiosks it otherwise may walk the
        wrong index); PostgreSQL's autovacuum does this by itself."""
        if self.engine.dialect.name == "sqlite":
            with writing(self.engine) as session:
                session.execute(text("ANALYZE"))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
