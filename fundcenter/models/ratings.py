"""Service ratings (好差评) from kiosks: anonymous, tied to a kiosk and its session, never to a member."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fundcenter.models.base import Base, UtcDateTime

LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("device_id", "session_ref", name="uq_ratings_device_session"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    session_ref: Mapped[str] = mapped_column(String(64))  # the kiosk's own session reference (random)
    level: Mapped[str] = mapped_column(String(24))  # one of LEVELS
    comments: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of preset texts
    rated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # the kiosk's clock
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
