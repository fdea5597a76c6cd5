"""What the console's pages ask for, answered from ``kiosk_states`` with indexes: a filtered page of
kiosks with the count per state, one kiosk's checks and history, the alert list, acknowledging."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, and_, case, func, or_, select

from fundcenter.console import labels
from fundcenter.console.errors import ConsoleCode, ConsoleError
from fundcenter.console.settings import ConsoleSettings
from fundcenter.console.state import OPEN, RANK, connectivity, digest
from fundcenter.db import reading, writing
from fundcenter.models import Alert, Device, Heartbeat, KioskEvent, KioskState

State = Literal["online", "stale", "offline"]
Worst = Literal["ok", "warning", "fault"]
AlertFilter = Literal["open", "new", "acknowledged", "closed", "all"]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _cuts(now: dt.datetime, settings: ConsoleSettings) -> tuple[dt.datetime, dt.datetime]:
    return (
        now - dt.timedelta(seconds=settings.stale_after_s),
        now - dt.timedelta(seconds=settings.offline_after_s),
    )


def _state_rank(now: dt.datetime, settings: ConsoleSettings) -> ColumnElement[int]:
    stale_cut, offline_cut = _cuts(now, settings)
    seen = KioskState.last_seen_at
    return case((seen.is_(None), 0), (seen < offline_cut, 0), (seen < stale_cut, 1), else_=2)


def _state_filter(state: State, now: dt.datetime, settings: ConsoleSettings) -> ColumnElement[bool]:
    stale_cut, offline_cut = _cuts(now, settings)
    seen = KioskState.last_seen_at
    if state == "online":
        return seen >= stale_cut
    if state == "stale":
        return and_(seen < stale_cut, seen >= offline_cut)
    return or_(seen.is_(None), seen < offline_cut)


def _row(
    device: Device, state: KioskState | None, now: dt.datetime, settings: ConsoleSettings
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "device_id": device.id,
        "hall": device.location,
        "state": connectivity(state.last_seen_at if state else None, now, settings),
        "last_seen_at": _iso(state.last_seen_at) if state else None,
        "age_s": round((now - state.last_seen_at).total_seconds(), 1) if state else None,
    }
    if state is None:
        return row | {
            "worst_level": None,
            "worst_check": "",
            "worst_label": "",
            "worst_summary": "",
            "software_version": "",
            "out_of_service": False,
            "service_reason": "",
            "outbox_pending": 0,
        }
    checks = json.loads(state.checks)
    return row | {
        "worst_level": state.worst_level,
        "worst_check": state.worst_check,
        "worst_label": labels.check(state.worst_check) if state.worst_check else "",
        "worst_summary": checks.get(state.worst_check, {}).get("summary", ""),
        "software_version": state.software_version,
        "out_of_service": state.out_of_service,
        "service_reason": state.service_reason,
        "outbox_pending": state.outbox_pending,
    }


def kiosk_page(
    engine: Engine,
    settings: ConsoleSettings,
    now: dt.datetime,
    *,
    state: State | None = None,
    hall: str | None = None,
    worst: Worst | None = None,
    search: str | None = None,
    page: int = 1,
    size: int = 50,
) -> dict[str, Any]:
    """One page of enrolled kiosks, problems first, with the number of kiosks in each state."""
    filters: list[ColumnElement[bool]] = [Device.status == "active"]
    if hall:
        filters.append(Device.location == hall)
    if worst:
        filters.append(KioskState.worst_level == worst)
    if search:
        like = f"%{search.strip()}%"
        filters.append(or_(Device.id.ilike(like), Device.location.ilike(like)))
    rank = _state_rank(now, settings)
    with reading(engine) as session:
        counts = dict(
            session.execute(
                select(rank, func.count())
                .select_from(Device)
                .outerjoin(KioskState, KioskState.device_id == Device.id)
                .where(*filters)
                .group_by(rank)
            ).all()
        )
        if state:
            filters.append(_state_filter(state, now, settings))
        worst_rank = case(
            (KioskState.worst_level == "fault", 0), (KioskState.worst_level == "warning", 1), else_=2
        )
        # Sort narrow rows (the id and two ranks), then read the page's 50 rows whole.
        page_ids = list(
            session.scalars(
                select(Device.id)
                .outerjoin(KioskState, KioskState.device_id == Device.id)
                .where(*filters)
                .order_by(rank, worst_rank, Device.id)
                .limit(size)
                .offset((page - 1) * size)
            )
        )
        found = {
            d.id: (d, st)
            for d, st in session.execute(
                select(Device, KioskState)
                .outerjoin(KioskState, KioskState.device_id == Device.id)
                .where(Device.id.in_(page_ids))
            )
        }
        rows = [found[i] for i in page_ids]
    by_state = {"offline": counts.get(0, 0), "stale": counts.get(1, 0), "online": counts.get(2, 0)}
    total = by_state[state] if state else sum(by_state.values())
    return {
        "now": now.isoformat(),
        "page": page,
        "size": size,
        "total": total,
        "counts": by_state,
        "kiosks": [_row(d, s, now, settings) for d, s in rows],
    }


def halls(engine: Engine) -> list[str]:
    with reading(engine) as session:
        return list(
            session.scalars(
                select(Device.location).where(Device.status == "active").distinct().order_by(Device.location)
            )
        )


def _alert(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id,
        "device_id": a.device_id,
        "subject": a.subject,
        "subject_label": labels.check(a.subject),
        "level": a.level,
        "message": a.message,
        "status": a.status,
        "raised_at": _iso(a.raised_at),
        "acknowledged_by": a.acknowledged_by,
        "acknowledged_at": _iso(a.acknowledged_at),
        "closed_at": _iso(a.closed_at),
    }


def kiosk_detail(
    engine: Engine, settings: ConsoleSettings, now: dt.datetime, device_id: str
) -> dict[str, Any]:
    with reading(engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            raise ConsoleError(ConsoleCode.KIOSK_NOT_FOUND)
        state = session.get(KioskState, device_id)
        beats = session.execute(
            select(Heartbeat.received_at, Heartbeat.sent_at, Heartbeat.overall, Heartbeat.payload)
            .where(Heartbeat.device_id == device_id)
            .order_by(Heartbeat.id.desc())
            .limit(settings.history_heartbeats)
        ).all()
        events = session.scalars(
            select(KioskEvent)
            .where(KioskEvent.device_id == device_id)
            .order_by(KioskEvent.at.desc())
            .limit(50)
        ).all()
        alerts = session.scalars(
            select(Alert).where(Alert.device_id == device_id).order_by(Alert.id.desc()).limit(20)
        ).all()
    checks = json.loads(state.checks) if state else {}
    history = []
    for received, sent, overall, payload in reversed(beats):
        d = digest(overall, json.loads(payload))
        history.append(
            {
                "received_at": _iso(received),
                "sent_at": _iso(sent),
                "worst_level": d.worst_level,
                "worst_check": d.worst_check,
                "overall": overall,
            }
        )
    return {
        "kiosk": _row(device, state, now, settings) | {"enrolled_at": _iso(device.enrolled_at)},
        "checks": [
            {"name": name, "label": labels.check(name), "level": c["level"], "summary": c["summary"]}
            for name, c in sorted(checks.items(), key=lambda kv: (-RANK.get(kv[1]["level"], 2), kv[0]))
        ],
        "peripherals": json.loads(state.peripherals) if state else {},
        "heartbeats": history,
        "events": [
            {
                "at": _iso(e.at),
                "subject": e.subject,
                "label": labels.check(e.subject),
                "before": e.before,
                "after": e.after,
                "detail": e.detail,
            }
            for e in events
        ],
        "alerts": [_alert(a) for a in alerts],
    }


def alert_list(engine: Engine, status: AlertFilter = "open", limit: int = 200) -> dict[str, Any]:
    query = select(Alert)
    if status == "open":
        query = query.where(Alert.status.in_(OPEN))
    elif status != "all":
        query = query.where(Alert.status == status)
    with reading(engine) as session:
        found = session.scalars(query.order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit)).all()
        counts = dict(
            session.execute(
                select(Alert.status, func.count()).where(Alert.status.in_(OPEN)).group_by(Alert.status)
            ).all()
        )
    return {"alerts": [_alert(a) for a in found], "counts": {s: counts.get(s, 0) for s in OPEN}}


def acknowledge(engine: Engine, alert_id: int, username: str, now: dt.datetime) -> dict[str, Any]:
    with writing(engine) as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise ConsoleError(ConsoleCode.ALERT_NOT_FOUND)
        if alert.status == "closed":
            raise ConsoleError(ConsoleCode.ALERT_CLOSED)
        if alert.status == "new":
            alert.status, alert.acknowledged_by, alert.acknowledged_at = "acknowledged", username, now
        return _alert(alert)
