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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, or_, select, update
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


@dataclass(frozen=True)
class _Changes:
    """Records one kiosk's state changes and opens and closes its alerts, in the caller's transaction."""

    session: Session
    device_id: str

    def event(self, at: dt.datetime, subject: str, change: tuple[str, str], detail: str) -> None:
        before, after = change
        self.session.add(
            KioskEvent(
                device_id=self.device_id,
                at=at,
                subject=subject,
                before=before,
                after=after,
                detail=detail[:256],
            )
        )

    def open_alert(self, subject: str, level: str, message: str, at: dt.datetime) -> None:
        """Open an alert, or raise the level and message of the one already open for the subject."""
        found = self.session.scalars(
            select(Alert).where(
                Alert.device_id == self.device_id, Alert.subject == subject, Alert.status.in_(OPEN)
            )
        ).first()
        if found is None:
            self.session.add(
                Alert(
                    device_id=self.device_id,
                    subject=subject,
                    level=level,
                    message=message[:256],
                    status="new",
                    raised_at=at,
                )
            )
        elif RANK[level] > RANK[found.level]:
            found.level, found.message = level, message[:256]

    def close_alert(self, subject: str, at: dt.datetime) -> None:
        self.session.execute(
            update(Alert)
            .where(Alert.device_id == self.device_id, Alert.subject == subject, Alert.status.in_(OPEN))
            .values(status="closed", closed_at=at)
            .execution_options(synchronize_session=False)
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
        known = {
            s.device_id: s
            for s in session.scalars(select(KioskState).where(KioskState.device_id.in_(list(newest))))
        }
        with session.no_autoflush:  # a new row is complete only at the end of _apply
            for device_id, report in newest.items():
                self._apply(session, known.get(device_id), report, seen[device_id])

    def _apply(self, session: Session, state: KioskState | None, report: Report, seen: dt.datetime) -> None:
        device_id = report.device_id
        changes = _Changes(session, device_id)
        payload = json.loads(report.payload)
        if state is None:
            state = KioskState(device_id=device_id, connectivity="online", checks="{}")
            session.add(state)
            changes.event(seen, LINK, ("never", "online"), "首次收到心跳")
        elif state.connectivity != "online":
            changes.event(seen, LINK, (state.connectivity, "online"), "恢复心跳")
            changes.close_alert(LINK, seen)
            state.connectivity = "online"
        state.last_seen_at = seen
        if state.sent_at is not None and report.sent_at < state.sent_at:
            return  # a report from the kiosk's queue, older than what the console shows
        d = digest(report.overall, payload)
        before: dict[str, dict[str, str]] = json.loads(state.checks)
        for name in sorted(before.keys() | d.checks.keys()):
            old = before.get(name, {}).get("level", "ok")
            new = d.checks.get(name, {}).get("level", "ok")
            if old == new:
                continue
            summary = d.checks.get(name, {}).get("summary", "")
            changes.event(seen, name, (old, new), summary)
            if new == "fault":
                changes.open_alert(name, "fault", f"{labels.check(name)}故障：{summary}", seen)
            elif old == "fault":
                changes.close_alert(name, seen)
        state.sent_at = report.sent_at
        state.overall = report.overall
        state.worst_level, state.worst_check = d.worst_level, d.worst_check
        state.out_of_service, state.service_reason = d.out_of_service, d.service_reason
        state.software_version = str(payload.get("software_version", ""))[:64]
        state.outbox_pending = int(payload.get("outbox_pending", 0))
        state.checks = json.dumps(d.checks, ensure_ascii=False)
        state.peripherals = json.dumps(payload.get("peripherals", {}), ensure_ascii=False)

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
        changed = 0
        with writing(self.engine) as session:
            for state in session.scalars(select(KioskState).where(silent)):
                after = "offline" if state.last_seen_at < offline_cut else "stale"
                threshold = (
                    self.settings.offline_after_s if after == "offline" else self.settings.stale_after_s
                )
                at = state.last_seen_at + dt.timedelta(seconds=threshold)  # when it crossed the line
                level, message = _link_message(after, self.settings)
                changes = _Changes(session, state.device_id)
                changes.event(at, LINK, (state.connectivity, after), message)
                changes.open_alert(LINK, level, message, at)
                state.connectivity = after
                changed += 1
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
            while not self._stop.wait(every_s):
                try:
                    self.maybe_sweep(every_s / 2)
                except Exception:
                    log.exception("console sweep failed; trying again")

        self._thread = threading.Thread(target=run, name="console-sweep", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
