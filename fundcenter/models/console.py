"""The staff console's records: staff users and their sessions, each kiosk's latest state (kept up to
date on heartbeat ingest, so the console never scans heartbeats), state changes and alerts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundcenter.models.base import Base, UtcDateTime
from fundcenter.models.devices import Device


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # scrypt$n$r$p$salt$hash (base64)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class StaffSession(Base):
    """A logged-in browser. Only the SHA-256 of the cookie's random token is kept."""

    __tablename__ = "staff_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)


class KioskState(Base):
    """One row per kiosk that ever reported: its newest heartbeat, digested."""

    __tablename__ = "kiosk_states"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # online | stale | offline, as last evaluated (alerts and history follow its changes)
    connectivity: Mapped[str] = mapped_column(String(8))
    overall: Mapped[str] = mapped_column(String(16))
    worst_level: Mapped[str] = mapped_column(String(8), index=True)  # ok | warning | fault
    worst_check: Mapped[str] = mapped_column(String(64))
    software_version: Mapped[str] = mapped_column(String(64))
    out_of_service: Mapped[bool] = mapped_column(Boolean)
    service_reason: Mapped[str] = mapped_column(String(256))
    outbox_pending: Mapped[int] = mapped_column(Integer)
    checks: Mapped[str] = mapped_column(Text)  # JSON {name: {level, summary}}
    peripherals: Mapped[str] = mapped_column(Text)  # JSON as the heartbeat carried it

    # The list reads state and worst level from indexes alone (the rows carry kilobytes of JSON):
    # joined from devices by id, or ranged by the heartbeat's age; the sweep finds the silent ones.
    __table_args__ = (
        Index("ix_kiosk_states_connectivity_last_seen", "connectivity", "last_seen_at"),
        Index("ix_kiosk_states_listing", "device_id", "last_seen_at", "worst_level"),
        Index("ix_kiosk_states_seen_level", "last_seen_at", "worst_level", "device_id"),
    )


class KioskEvent(Base):
    """A state change: connectivity (online, stale, offline) or one check's level."""

    __tablename__ = "kiosk_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    subject: Mapped[str] = mapped_column(String(64))  # "link" or a check's name
    before: Mapped[str] = mapped_column(String(16))
    after: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(256))

    __table_args__ = (Index("ix_kiosk_events_device_at", "device_id", "at"),)


class Alert(Base):
    """Raised when a kiosk goes stale or offline or a check goes to fault; closed when it recovers.
    Staff acknowledge an open alert (who and when are kept)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    subject: Mapped[str] = mapped_column(String(64))  # "link" or a check's name
    level: Mapped[str] = mapped_column(String(8))  # warning | fault
    message: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16))  # new | acknowledged | closed
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_alerts_status_raised_at", "status", "raised_at"),)


# The console lists enrolled kiosks by hall without reading the devices' certificates.
Index("ix_devices_status_location", Device.status, Device.location)
