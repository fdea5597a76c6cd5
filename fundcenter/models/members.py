"""Members (缴存职工), their accounts and the ledger of every movement of money."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundcenter.models.base import Base, UtcDateTime

MEMBER_STATUSES = ("normal", "sealed", "closed")  # 正常, 封存, 销户
LOAN_STATUSES = ("none", "active", "settled")
LEDGER_KINDS = ("deposit", "withdrawal", "interest")


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
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    loan_status: Mapped[str] = mapped_column(String(8), default="none")  # none | active | settled
    balance_fen: Mapped[int] = mapped_column(BigInteger)
    contribution_base_fen: Mapped[int] = mapped_column(BigInteger)
    employer_rate_bp: Mapped[int] = mapped_column(Integer)
    personal_rate_bp: Mapped[int] = mapped_column(Integer)
    paid_up_to: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    bank_card: Mapped[str | None] = mapped_column(String(19))  # the member's own card for payouts
    reference_face: Mapped[str | None] = mapped_column(String(128))  # the photo it was made from
    reference_encoding: Mapped[str | None] = mapped_column(Text)  # JSON: 128 floats (face_recognition)

    @property
    def monthly_amount_fen(self) -> int:
        """Employer plus personal part, each rounded to the fen as centers do."""
        employer = (self.contribution_base_fen * self.employer_rate_bp + 5000) // 10000
        personal = (self.contribution_base_fen * self.personal_rate_bp + 5000) // 10000
        return employer + personal


class LedgerEntry(Base):
    """One movement on a member's account; amounts are signed fen (deposits +, withdrawals −)."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # deposit | withdrawal | interest
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    balance_after_fen: Mapped[int] = mapped_column(BigInteger)
    booked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    period: Mapped[str | None] = mapped_column(String(7))  # the contribution month a deposit pays
    memo: Mapped[str] = mapped_column(String(128), default="")
    withdrawal_id: Mapped[int | None] = mapped_column(ForeignKey("withdrawals.id"))
