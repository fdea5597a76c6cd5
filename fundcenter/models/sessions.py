"""Member sessions: short-lived tokens bound to one device and one member."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundcenter.models.base import Base, UtcDateTime


class MemberSession(Base):
    __tablename__ = "member_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 hex; never the token
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    evidence: Mapped[str] = mapped_column(Text)  # JSON of the verification evidence, for audit
