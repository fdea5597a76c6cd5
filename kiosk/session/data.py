"""What the services hand the flow about a member, already fit for the screen: names masked, money in
fen, no ID number, no token. It lives in the flow's per-session data and is dropped when it is wiped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class AccountSummary:
    name_masked: str  # 林**
    account_masked: str  # the personal account number, masked
    employer_name: str
    status: str  # normal, sealed, closed (the back end's words)
    balance_fen: int
    monthly_amount_fen: int
    contribution_base_fen: int
    employer_rate_bp: int  # 1200 = 12 %
    personal_rate_bp: int
    paid_up_to: str  # YYYY-MM
    loan_status: str
    bank_card_last4: str | None


@dataclass(frozen=True, slots=True)
class MovementRow:
    kind: str  # deposit, withdrawal, interest … (the back end's words)
    amount_fen: int
    balance_after_fen: int
    booked_on: dt.date
    memo: str


@dataclass(frozen=True, slots=True)
class RequiredDocument:
    code: str
    title: str  # Chinese, from the back end


@dataclass(frozen=True, slots=True)
class WithdrawalOption:
    code: str
    title: str  # Chinese, from the back end
    basis: str  # the legal basis / rule explanation
    documents: tuple[RequiredDocument, ...]
    closes_account: bool  # pays out the whole balance: no amount is entered
    approval: str  # instant (秒批) or review (人工审核)


@dataclass(frozen=True, slots=True)
class WithdrawalDraft:
    """What the member chose; the services turn it into the back end's request."""

    type_code: str
    amount_fen: int | None  # None: the whole balance (types that close the account)
    bank_card: str  # digits
    documents: tuple[str, ...]  # codes of the documents the member said they have


class SubmissionKind(StrEnum):
    ACCEPTED = "accepted"  # paid (秒批)
    IN_REVIEW = "in_review"  # accepted for manual review (人工审核)
    REFUSED = "refused"  # a rule said no: the back end's reason is shown
    PENDING = "pending"  # the outbox holds it: submitted, result by SMS
    NOT_RECORDED = "not_recorded"  # not even written down (disk full): nothing was submitted


class PrintOutcome(StrEnum):
    PRINTED = "printed"
    FAILED = "failed"  # may be printed again while the session lasts
    REFUSED = "refused"  # the certificate did not validate: never printed
