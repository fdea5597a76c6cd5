"""Withdrawals (提取) and the Idempotency-Key records that make their submission exactly-once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fundcenter.models.base import Base, UtcDateTime

WITHDRAWAL_STATUSES = ("paid", "pending_review", "rejected")


class Withdrawal(Base):
    __tablename__ = "withdrawals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(32))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    bank_card: Mapped[str] = mapped_column(String(19))
    status: Mapped[str] = mapped_column(String(16))  # paid | pending_review | rejected
    closes_account: Mapped[bool] = mapped_column(Boolean)
    documents: Mapped[str] = mapped_column(Text)  # JSON list of document codes presented
    details: Mapped[str] = mapped_column(Text)  # JSON of the type-specific facts
    payout_reference: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    review_note: Mapped[str | None] = mapped_column(String(256))  # the reviewer's reason, in Chinese


class IdempotencyRecord(Base):
    """One Idempotency-Key per device: the lock while it runs, the stored response afterwards."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("device_id", "key", name="uq_idempotency_keys_device_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and canonical body
    state: Mapped[str] = mapped_column(String(8))  # running | done
    lock_token: Mapped[str | None] = mapped_column(String(32))
    locked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    withdrawal_id: Mapped[int | None] = mapped_column(ForeignKey("withdrawals.id"))
