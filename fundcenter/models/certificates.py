"""Deposit certificates issued: what was printed, for the public verification page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundcenter.models.base import Base, UtcDateTime


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(19), unique=True)  # verification code XXXX-XXXX-XXXX-XXXX
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    operator: Mapped[str] = mapped_column(String(64))  # 经办: a kiosk id or the counter
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    fields: Mapped[str] = mapped_column(Text)  # JSON snapshot of every printed field
    pdf_sha256: Mapped[str] = mapped_column(String(64))
