"""Kiosks known to the center: enrolment, certificate, revocation, heartbeats."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundcenter.models.base import Base, UtcDateTime

DEVICE_STATUSES = ("pending", "active", "revoked")


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # e.g. KIOSK-0001
    location: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending | active | revoked
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    enrolment_token_hash: Mapped[str | None] = mapped_column(String(64))
    enrolment_token_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    enrolment_token_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    certificate_pem: Mapped[str | None] = mapped_column(Text)
    certificate_serial: Mapped[str | None] = mapped_column(String(40))
    spki_sha256: Mapped[str | None] = mapped_column(String(64))  # hex; the key the device proves
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(String(128))
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Heartbeat(Base):
    """A kiosk's periodic health report, kept for the monitoring console."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    overall: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)  # JSON: per-peripheral status, counters
