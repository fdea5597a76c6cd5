"""Manual review (人工审核) of withdrawals that need documents checked: approve (pay) or reject."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Engine, select

from fundcenter.db import reading, writing
from fundcenter.models import Member, Withdrawal
from fundcenter.withdrawals.service import pay_out

log = logging.getLogger(__name__)


class ReviewError(ValueError):
    """The withdrawal does not exist or is not waiting for review."""


def pending(engine: Engine) -> list[Withdrawal]:
    with reading(engine) as session:
        return list(
            session.scalars(
                select(Withdrawal).where(Withdrawal.status == "pending_review").order_by(Withdrawal.id)
            )
        )


def _waiting(withdrawal: Withdrawal | None, withdrawal_id: int) -> Withdrawal:
    if withdrawal is None:
        raise ReviewError(f"no withdrawal {withdrawal_id}")
    if withdrawal.status != "pending_review":
        raise ReviewError(f"withdrawal {withdrawal_id} is {withdrawal.status}, not pending review")
    return withdrawal


def approve(engine: Engine, withdrawal_id: int, now: dt.datetime, note: str = "审核通过") -> int:
    """Pay an approved withdrawal (same ledger entry and balance rules as 秒批); returns the new balance."""
    with writing(engine) as session:
        withdrawal = _waiting(session.get(Withdrawal, withdrawal_id, with_for_update=True), withdrawal_id)
        member = session.get(Member, withdrawal.member_id, with_for_update=True)
        if member is None or member.status == "closed":
            raise ReviewError("the account is closed")
        withdrawal.review_note = note
        balance = pay_out(session, member, withdrawal, now)
    log.info("withdrawal %d approved and paid", withdrawal_id)
    return balance


def reject(engine: Engine, withdrawal_id: int, now: dt.datetime, note: str) -> None:
    with writing(engine) as session:
        withdrawal = _waiting(session.get(Withdrawal, withdrawal_id, with_for_update=True), withdrawal_id)
        withdrawal.status = "rejected"
        withdrawal.decided_at = now
        withdrawal.review_note = note
    log.info("withdrawal %d rejected", withdrawal_id)
