"""Heartbeat and health ingest: each kiosk reports its peripherals; stored for the monitoring console."""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from fundcenter.context import context
from fundcenter.devices.heartbeats import Report
from fundcenter.devices.identity import AUTH_ERRORS, arrival, identify, prove
from fundcenter.errors import Code, responses
from fundcenter.wire import Timestamp

router = APIRouter(prefix="/v1/devices", tags=["devices"])
# XFS4IoT common device status.
Status = Literal[
    "online",
    "offline",
    "powerOff",
    "noDevice",
    "hardwareError",
    "userError",
    "deviceBusy",
    "fraudAttempt",
    "potentialFraud",
    "starting",
]


class Peripheral(BaseModel):
    status: Status
    paper: Literal["unknown", "full", "low", "out", "jammed"] | None = None
    detail: str = Field(default="", max_length=256)


class CheckBrief(BaseModel):
    level: Literal["ok", "warning", "fault"]
    summary: str = Field(default="", max_length=256)


class HeartbeatIn(BaseModel):
    sent_at: Timestamp
    overall: Status
    peripherals: dict[str, Peripheral] = Field(default_factory=dict, max_length=32)
    checks: dict[str, CheckBrief] = Field(
        default_factory=dict,
        max_length=64,
        description="every health check's level and summary (the console shows the worst; `service` "
        "at fault means the kiosk is out of service)",
    )
    outbox_pending: int = Field(default=0, ge=0, le=10**6, strict=True)
    software_version: str = Field(default="", max_length=64)


class HeartbeatAck(BaseModel):
    received_at: dt.datetime
    clock_offset_s: float = Field(
        description="server time minus the kiosk's sent_at (network delay included)"
    )


@router.post(
    "/heartbeat",
    status_code=202,
    responses=responses(*AUTH_ERRORS, Code.INVALID_REQUEST),
)
async def heartbeat(body: HeartbeatIn, request: Request) -> HeartbeatAck:
    """Accept one health report; it is stored with others within 50 ms and marks the kiosk as seen."""
    ctx = context(request)
    device_id = identify(request)
    prove(ctx, ctx.heartbeats.check(device_id), await arrival(request))  # a quick ECDSA check, in the loop
    now = ctx.now()
    payload = body.model_dump(mode="json", exclude={"sent_at", "overall"}, exclude_defaults=True)
    ctx.heartbeats.add(
        Report(
            device_id=device_id,
            received_at=now,
            sent_at=body.sent_at,
            overall=body.overall,
            payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        )
    )
    return HeartbeatAck(received_at=now, clock_offset_s=(now - body.sent_at).total_seconds())
