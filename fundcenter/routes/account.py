"""The member's own account: summary and ledger (需要会话)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select

from fundcenter.context import Context, context
from fundcenter.db import reading
from fundcenter.errors import responses
from fundcenter.models import LedgerEntry, Member
from fundcenter.routes.sessions import SESSION_ERRORS
from fundcenter.sessions.service import Authorised, member_session

router = APIRouter(prefix="/v1/account", tags=["account"])


class Account(BaseModel):
    name: str
    id_number: str
    personal_account: str
    employer_name: str
    unit_account: str
    open_date: dt.date
    status: str
    sealed_since: dt.date | None
    contribution_base_fen: int
    employer_rate_bp: int
    personal_rate_bp: int
    monthly_amount_fen: int
    paid_up_to: str
    balance_fen: int
    loan_status: str
    bank_card_last4: str | None

    @classmethod
    def of(cls, m: Member) -> Account:
        return cls(
            name=m.name,
            id_number=m.id_number,
            personal_account=m.personal_account,
            employer_name=m.employer_name,
            unit_account=m.unit_account,
            open_date=m.open_date,
            status=m.status,
            sealed_since=m.sealed_since,
            contribution_base_fen=m.contribution_base_fen,
            employer_rate_bp=m.employer_rate_bp,
            personal_rate_bp=m.personal_rate_bp,
            monthly_amount_fen=m.monthly_amount_fen,
            paid_up_to=m.paid_up_to,
            balance_fen=m.balance_fen,
            loan_status=m.loan_status,
            bank_card_last4=m.bank_card[-4:] if m.bank_card else None,
        )


class Movement(BaseModel):
    kind: str
    amount_fen: int
    balance_after_fen: int
    booked_at: dt.datetime
    period: str | None
    memo: str


@router.get("", responses=responses(*SESSION_ERRORS))
def account(
    auth: Authorised = Depends(member_session),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> Account:
    """The account as the member sees it on the kiosk (fresh from the database)."""
    with reading(ctx.engine) as session:
        member = session.get(Member, auth.member.id)
    return Account.of(member or auth.member)


@router.get("/transactions", responses=responses(*SESSION_ERRORS))
def transactions(
    limit: int = Query(default=50, ge=1, le=200),
    auth: Authorised = Depends(member_session),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> list[Movement]:
    """Deposits, withdrawals and interest, newest first."""
    with reading(ctx.engine) as session:
        rows = session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.member_id == auth.member.id)
            .order_by(LedgerEntry.booked_at.desc(), LedgerEntry.id.desc())
            .limit(limit)
        )
        return [
            Movement(
                kind=r.kind,
                amount_fen=r.amount_fen,
                balance_after_fen=r.balance_after_fen,
                booked_at=r.booked_at,
                period=r.period,
                memo=r.memo,
            )
            for r in rows
        ]
