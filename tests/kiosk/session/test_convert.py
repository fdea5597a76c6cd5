"""From the back end's answers and errors to what the flow shows: masked, typed, and a true sentence."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.client import api, errors
from kiosk.outbox.store import State
from kiosk.outbox.submit import SUBMITTED_ZH, WithdrawalOutcome
from kiosk.session import convert
from kiosk.session.data import SubmissionKind, WithdrawalDraft
from kiosk.session.states import Problem


def test_the_account_is_masked_for_the_screen() -> None:
    account = api.Account(
        name="欧阳振华",
        id_number="50011219560220007X",
        personal_account="110100000002",
        employer_name="机械厂",
        unit_account="1",
        open_date=dt.date(2000, 1, 1),
        status="normal",
        sealed_since=None,
        contribution_base_fen=100,
        employer_rate_bp=1200,
        personal_rate_bp=1200,
        monthly_amount_fen=24,
        paid_up_to="2026-10",
        balance_fen=100,
        loan_status="none",
        bank_card_last4="0018",
    )
    summary = convert.account_summary(account)
    assert summary.name_masked == "欧***"
    assert summary.account_masked == "1101****0002"
    assert "50011219560220007X" not in repr(summary)


def test_movements_come_newest_first() -> None:
    old = api.Movement(
        kind="deposit",
        amount_fen=1,
        balance_after_fen=1,
        booked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        period="2026-01",
        memo="汇缴",
    )
    new = old.model_copy(update={"booked_at": dt.datetime(2026, 2, 1, tzinfo=dt.UTC)})
    rows = convert.movement_rows([old, new])
    assert [r.booked_on.month for r in rows] == [2, 1]


def test_a_whole_balance_request_has_no_amount() -> None:
    assert convert.withdrawal_request(WithdrawalDraft("retirement", None, "6222", ())) == {
        "type": "retirement",
        "bank_card": "6222",
        "documents": [],
    }
    assert convert.withdrawal_request(WithdrawalDraft("rent", 5, "6222", ("a",)))["amount_fen"] == 5


@pytest.mark.parametrize(
    ("state", "result", "kind", "reference"),
    [
        (
            State.DONE,
            {"id": 7, "status": "paid", "payout_reference": "TQ7", "amount_fen": 5},
            SubmissionKind.ACCEPTED,
            "TQ7",
        ),
        (
            State.DONE,
            {"id": 8, "status": "pending_review", "payout_reference": None, "amount_fen": 5},
            SubmissionKind.IN_REVIEW,
            "W8",
        ),
        (
            State.DONE,
            {"id": 9, "status": "rejected", "review_note": "材料不全"},
            SubmissionKind.REFUSED,
            None,
        ),
        (
            State.REFUSED,
            {"code": "withdrawal_over_limit", "message": "超过限额"},
            SubmissionKind.REFUSED,
            None,
        ),
        (State.UNKNOWN, None, SubmissionKind.PENDING, None),
        (State.PENDING, None, SubmissionKind.PENDING, None),
    ],
)
def test_submission_outcomes(
    state: State, result: object, kind: SubmissionKind, reference: str | None
) -> None:
    message = {State.REFUSED: "超过限额", State.DONE: "提取申请已受理"}.get(state, SUBMITTED_ZH)
    got = convert.submission(WithdrawalOutcome("k", state, result, message))
    assert got[0] is kind
    assert got[2] == reference
    if kind is SubmissionKind.PENDING:
        assert got[1] == SUBMITTED_ZH
    if state is State.DONE and kind is SubmissionKind.REFUSED:
        assert got[1] == "材料不全"


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (errors.BackEndUnreachable("refused"), Problem.UNREACHABLE),
        (errors.CircuitOpen("open"), Problem.UNREACHABLE),
        (errors.DeadlineExceeded("slow"), Problem.UNREACHABLE),
        (errors.ServerFault("500"), Problem.UNREACHABLE),
        (errors.Unauthorised(401, "session_expired", "expired"), Problem.EXPIRED),
        (errors.RefusedByRule(403, "evidence_rejected", "人脸比对未通过"), Problem.REFUSED),
        (errors.PinningFailed("pin"), Problem.INTERNAL),
        (RuntimeError("a bug"), Problem.INTERNAL),
    ],
)
def test_every_failure_has_a_kind_and_a_calm_sentence(error: Exception, problem: Problem) -> None:
    got, message = convert.problem_of(error)
    assert got is problem
    assert message
    assert "HTTP" not in message
    assert "bug" not in message
