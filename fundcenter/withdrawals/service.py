"""Carry out a withdrawal: rules, payout to the member's own card, ledger entry, all in one commit."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.orm import Session

from fundcenter import bankcard, masking
from fundcenter.context import Context
from fundcenter.db import writing
from fundcenter.errors import ApiError, Code
from fundcenter.models import LedgerEntry, Member, Withdrawal
from fundcenter.withdrawals import idempotency
from fundcenter.withdrawals.rules import TYPES, Details, Facts, Limits, Refusal, decide

log = logging.getLogger(__name__)
CHINA = dt.timezone(dt.timedelta(hours=8))


class WithdrawalRequest(BaseModel):
    type: str = Field(max_length=32, examples=["rent"], description="a code from GET /v1/withdrawal-types")
    amount_fen: int | None = Field(
        default=None,
        gt=0,
        le=10**12,
        strict=True,
        description="omit for types that pay out the whole balance",
    )
    bank_card: str = Field(
        min_length=12, max_length=19, pattern=r"^\d+$", description="the member's own card"
    )
    documents: list[str] = Field(default_factory=list, max_length=16, description="codes of documents shown")
    details: Details = Field(default_factory=Details)


class WithdrawalResult(BaseModel):
    id: int
    type: str
    title: str
    amount_fen: int
    status: str = Field(description="paid (money sent), pending_review (人工审核) or rejected")
    closes_account: bool
    bank_card_masked: str
    payout_reference: str | None
    balance_after_fen: int
    created_at: dt.datetime
    review_note: str | None = None

    @classmethod
    def of(cls, withdrawal: Withdrawal, balance_after_fen: int) -> WithdrawalResult:
        return cls(
            id=withdrawal.id,
            type=withdrawal.type,
            title=TYPES[withdrawal.type].title,
            amount_fen=withdrawal.amount_fen,
            status=withdrawal.status,
            closes_account=withdrawal.closes_account,
            bank_card_masked=masking.bank_card(withdrawal.bank_card),
            payout_reference=withdrawal.payout_reference,
            balance_after_fen=balance_after_fen,
            created_at=withdrawal.created_at,
            review_note=withdrawal.review_note,
        )


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]


def request_fingerprint(request: WithdrawalRequest) -> str:
    """What makes two submissions "the same request" for the Idempotency-Key (not JSON whitespace)."""
    return idempotency.fingerprint(
        "POST", "/v1/withdrawals", request.model_dump(mode="json", exclude_none=True)
    )


def china_date(now: dt.datetime) -> dt.date:
    return now.astimezone(CHINA).date()


def _facts(member: Member, request: WithdrawalRequest, today: dt.date) -> Facts:
    return Facts(
        status=member.status,
        sealed_since=member.sealed_since,
        birth_date=member.birth_date,
        gender=member.gender,
        balance_fen=member.balance_fen,
        loan_status=member.loan_status,
        paid_up_to=member.paid_up_to,
        today=today,
        amount_fen=request.amount_fen,
        documents=frozenset(request.documents),
        details=request.details,
    )


def _check_card(member: Member, card: str) -> None:
    if not bankcard.is_valid(card):
        raise Refusal(Code.BANK_CARD_INVALID, "luhn_check_failed", "银行卡号校验未通过，请核对")
    if member.bank_card != card:
        raise Refusal(Code.BANK_CARD_NOT_OWN, "not_registered_card", "只能提取到本人名下登记的银行卡")


def _pay(
    ctx: Context, member: Member, request: WithdrawalRequest, *, device_id: str, key: str, now: dt.datetime
) -> Withdrawal:
    kind = TYPES.get(request.type)
    if kind is None:
        raise Refusal(Code.WITHDRAWAL_TYPE_UNKNOWN, "unknown_type", "不支持该提取类型", known=sorted(TYPES))
    _check_card(member, request.bank_card)
    limits: Limits = ctx.settings.withdrawal_limits
    amount = decide(kind, _facts(member, request, china_date(now)), limits)
    instant = kind.approval == "instant"
    withdrawal = Withdrawal(
        member_id=member.id,
        device_id=device_id,
        idempotency_key=key,
        type=kind.code,
        amount_fen=amount,
        bank_card=request.bank_card,
        status="paid" if instant else "pending_review",
        closes_account=kind.closes_account,
        documents=json.dumps(sorted(set(request.documents))),
        details=request.details.model_dump_json(exclude_none=True),
        created_at=now,
        decided_at=now if instant else None,
    )
    return withdrawal


def pay_out(session: Session, member: Member, withdrawal: Withdrawal, now: dt.datetime) -> int:
    """Debit the account, record the ledger entry and the payout reference; returns the new balance.

    The conditional UPDATE never lets the balance go below zero, whatever else runs concurrently.
    """
    amount = withdrawal.amount_fen
    paid = session.execute(
        update(Member)
        .where(Member.id == member.id, Member.balance_fen >= amount)
        .values(balance_fen=Member.balance_fen - amount)
        .execution_options(synchronize_session=False)
    )
    if paid.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(Code.INSUFFICIENT_BALANCE)
    balance_after = member.balance_fen - amount
    withdrawal.status = "paid"
    withdrawal.decided_at = now
    withdrawal.payout_reference = f"PO{now:%Y%m%d}{withdrawal.id:010d}"
    session.add(
        LedgerEntry(
            member_id=member.id,
            kind="withdrawal",
            amount_fen=-amount,
            balance_after_fen=balance_after,
            booked_at=now,
            memo=f"{TYPES[withdrawal.type].title} 转入 {masking.bank_card(withdrawal.bank_card)}",
            withdrawal_id=withdrawal.id,
        )
    )
    if withdrawal.closes_account and balance_after == 0:
        session.execute(
            update(Member)
            .where(Member.id == member.id)
            .values(status="closed", closed_on=china_date(now), contribution_base_fen=0)
            .execution_options(synchronize_session=False)
        )
    return balance_after


def submit(
    ctx: Context,
    held: idempotency.Claim,
    *,
    member_id: int,
    device_id: str,
    key: str,
    request: WithdrawalRequest,
) -> Outcome:
    """One transaction: rules, withdrawal row, balance, ledger, and the key's stored answer."""
    now = ctx.now()
    with writing(ctx.engine) as session:
        member = session.get(Member, member_id, with_for_update=True)  # PostgreSQL: one payout at a time
        if member is None:
            raise ApiError(Code.MEMBER_NOT_FOUND)
        try:
            withdrawal = _pay(ctx, member, request, device_id=device_id, key=key, now=now)
        except Refusal as refusal:
            body = ApiError(refusal.code, refusal.message, refusal.detail).body()
            status = ApiError(refusal.code).status
            idempotency.complete(
                session, held, status=status, body=body, member_id=member_id, withdrawal_id=None
            )
            log.info("withdrawal refused for %s: %s", masking.id_number(member.id_number), refusal.reason)
            return Outcome(status, body)
        session.add(withdrawal)
        session.flush()
        balance_after = (
            pay_out(session, member, withdrawal, now) if withdrawal.status == "paid" else member.balance_fen
        )
        result = WithdrawalResult.of(withdrawal, balance_after)
        body = result.model_dump(mode="json")
        idempotency.complete(
            session, held, status=201, body=body, member_id=member_id, withdrawal_id=withdrawal.id
        )
    log.info(
        "withdrawal %d (%s, %d fen) %s for %s",
        result.id,
        result.type,
        result.amount_fen,
        result.status,
        masking.id_number(member.id_number),
    )
    return Outcome(201, body)
