"""From the back end's typed answers (:mod:`kiosk.client.api`) and errors to what the flow holds:
masked, in fen, with no ID number and no token."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.client import api, errors
from kiosk.masking import mask_bank_card, mask_name
from kiosk.outbox.store import State
from kiosk.outbox.submit import WithdrawalOutcome
from kiosk.session.data import (
    AccountSummary,
    MovementRow,
    RequiredDocument,
    SubmissionKind,
    WithdrawalDraft,
    WithdrawalOption,
)
from kiosk.session.messages import PROBLEMS
from kiosk.session.states import Problem

log = logging.getLogger(__name__)


def account_summary(account: api.Account) -> AccountSummary:
    return AccountSummary(
        name_masked=mask_name(account.name),
        account_masked=mask_bank_card(account.personal_account),  # keeps the first and last four digits
        employer_name=account.employer_name,
        status=account.status,
        balance_fen=account.balance_fen,
        monthly_amount_fen=account.monthly_amount_fen,
        contribution_base_fen=account.contribution_base_fen,
        employer_rate_bp=account.employer_rate_bp,
        personal_rate_bp=account.personal_rate_bp,
        paid_up_to=account.paid_up_to,
        loan_status=account.loan_status,
        bank_card_last4=account.bank_card_last4,
    )


def movement_rows(movements: list[api.Movement]) -> tuple[MovementRow, ...]:
    newest_first = sorted(movements, key=lambda m: m.booked_at, reverse=True)
    return tuple(
        MovementRow(m.kind, m.amount_fen, m.balance_after_fen, m.booked_at.date(), m.memo)
        for m in newest_first
    )


def withdrawal_options(types: list[api.WithdrawalType]) -> tuple[WithdrawalOption, ...]:
    return tuple(
        WithdrawalOption(
            code=t.code,
            title=t.title,
            basis=t.basis,
            documents=tuple(RequiredDocument(d.code, d.title) for d in t.documents),
            closes_account=t.closes_account,
            approval=t.approval,
        )
        for t in types
    )


def withdrawal_request(draft: WithdrawalDraft) -> dict[str, Any]:
    request: dict[str, Any] = {
        "type": draft.type_code,
        "bank_card": draft.bank_card,
        "documents": list(draft.documents),
    }
    if draft.amount_fen is not None:
        request["amount_fen"] = draft.amount_fen
    return request


def submission(outcome: WithdrawalOutcome) -> tuple[SubmissionKind, str, str | None, int | None]:
    """(kind, message for the member, receipt number, amount) of what the outbox reported."""
    if outcome.state is State.REFUSED:
        return SubmissionKind.REFUSED, outcome.message_zh, None, None
    if outcome.state is not State.DONE or not isinstance(outcome.result, dict):
        return SubmissionKind.PENDING, outcome.message_zh, None, None
    result = outcome.result
    amount = result.get("amount_fen") if isinstance(result.get("amount_fen"), int) else None
    reference = result.get("payout_reference") or (f"W{result['id']}" if "id" in result else None)
    status = result.get("status")
    if status == "paid":
        return SubmissionKind.ACCEPTED, outcome.message_zh, reference, amount
    if status == "pending_review":
        return SubmissionKind.IN_REVIEW, "提取申请已提交，等待审核", reference, amount
    note = result.get("review_note") or "提取申请未获受理"
    return SubmissionKind.REFUSED, str(note), None, None


def problem_of(exc: Exception) -> tuple[Problem, str]:
    """The kind of a failure and the calm Chinese sentence for the member."""
    if isinstance(exc, errors.Unauthorised):
        return Problem.EXPIRED, exc.message_zh
    if isinstance(exc, errors.RefusedByRule):
        return Problem.REFUSED, exc.message_zh
    if isinstance(exc, errors.BackEndUnreachable | errors.DeadlineExceeded | errors.ServerFault):
        return Problem.UNREACHABLE, PROBLEMS[Problem.UNREACHABLE].zh
    if isinstance(exc, errors.BackEndError):
        return Problem.INTERNAL, exc.message_zh
    log.error("session service failed unexpectedly", exc_info=(type(exc), exc, exc.__traceback__))
    return Problem.INTERNAL, PROBLEMS[Problem.INTERNAL].zh
