"""The fund center's records. Money is integer fen; rates are integer basis points (1200 = 12%)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(32))
    employer_name: Mapped[str] = mapped_column(String(128))
    unit_account: Mapped[str] = mapped_column(String(20))
    personal_account: Mapped[str] = mapped_column(String(20), unique=True)
    open_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))  # normal | sealed | closed
    sealed_since: Mapped[dt.date | None] = mapped_column(Date)
    loan_status: Mapped[str] = mapped_column(String(8), default="none")  # none | active | settled
    balance_fen: Mapped[int] = mapped_column(Integer)
    contribution_base_fen: Mapped[int] = mapped_column(Integer)
    employer_rate_bp: Mapped[int] = mapped_column(Integer)
    personal_rate_bp: Mapped[int] = mapped_column(Integer)
    paid_up_to: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    reference_face: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
