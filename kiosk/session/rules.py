"""The flow's rules as data and pure functions: where BACK goes, how long each stage waits, which
failures may be retried, and what the member may type as an amount or a bank card."""

from __future__ import annotations

from kiosk.config import SessionSection
from kiosk.session.data import SubmissionKind
from kiosk.session.states import MONEY_STAGES, Call, Problem, Stage

MAX_AMOUNT_FEN = 10**12
BANK_CARD_DIGITS = range(12, 20)
# Where BACK goes; stages not listed end the session (or, without a member, return to ATTRACT).
BACK_TO = {
    Stage.CARD: Stage.ATTRACT,
    Stage.ACCOUNT: Stage.MENU,
    Stage.CERTIFICATE: Stage.MENU,
    Stage.PRINTED: Stage.MENU,
    Stage.WITHDRAWAL_TYPE: Stage.MENU,
    Stage.WITHDRAWAL_RULE: Stage.WITHDRAWAL_TYPE,
    Stage.WITHDRAWAL_AMOUNT: Stage.WITHDRAWAL_RULE,
    Stage.WITHDRAWAL_BANK_CARD: Stage.WITHDRAWAL_AMOUNT,
    Stage.WITHDRAWAL_CONFIRM: Stage.WITHDRAWAL_BANK_CARD,
    Stage.CONFIRM_FACE: Stage.WITHDRAWAL_CONFIRM,
    Stage.RESULT: Stage.MENU,
}
RESULT_TEXT = {
    SubmissionKind.ACCEPTED: "accepted",
    SubmissionKind.IN_REVIEW: "in_review",
    SubmissionKind.REFUSED: "refused",
    SubmissionKind.PENDING: "submitted_pending",
    SubmissionKind.NOT_RECORDED: "not_recorded",
}
RETRYABLE = frozenset({Problem.UNREACHABLE, Problem.INTERNAL})
# Face failures that another try would not change: the member is sent to the counter.
FINAL_FACE_FAILURES = frozenset(
    {"camera", "presentation_attack", "not_match", "no_reference", "card_not_valid"}
)
CALL_STAGE = {
    Call.OPEN_SESSION: Stage.OPENING,
    Call.ACCOUNT: Stage.ACCOUNT,
    Call.CERTIFICATE: Stage.CERTIFICATE,
    Call.WITHDRAWAL_TYPES: Stage.WITHDRAWAL_TYPE,
}


def timeout_s(settings: SessionSection, stage: Stage, elderly: bool) -> float | None:
    """Seconds ``stage`` waits for the member (None: no timeout); the elderly mode stretches all but
    the goodbye."""
    t = settings.timeouts
    table = {
        Stage.CARD: t.card,
        Stage.FACE: t.face,
        Stage.OPENING: t.opening,
        Stage.MENU: t.menu,
        Stage.ACCOUNT: t.account,
        Stage.CERTIFICATE: t.certificate,
        Stage.PRINTING: t.certificate,
        Stage.PRINTED: t.certificate,
        Stage.CONFIRM_FACE: t.confirm_face,
        Stage.SUBMITTING: t.submitting,
        Stage.RESULT: t.result,
        Stage.RATING: t.rating,
        Stage.CARD_RETURN: t.card_return,
        Stage.ERROR: t.error,
        Stage.GOODBYE: t.goodbye,
    } | dict.fromkeys(MONEY_STAGES - {Stage.CONFIRM_FACE}, t.withdrawal)
    seconds = table.get(stage)
    if seconds is None or stage is Stage.GOODBYE or not elderly:
        return seconds
    return seconds * settings.elderly_multiplier


def parse_amount(value: str, balance_fen: int | None, whole: bool = False) -> int | str:
    """The amount in fen, or the key of the message saying what is wrong with it."""
    if whole:
        if balance_fen is None or balance_fen <= 0:
            return "amount_invalid"
        return balance_fen
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_AMOUNT_FEN:
        return "amount_invalid"
    if balance_fen is not None and int(value) > balance_fen:
        return "amount_over_balance"
    return int(value)


def parse_bank_card(value: str) -> str | None:
    """The card's digits (spaces allowed between groups), or None when it cannot be a bank card."""
    digits = value.replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in BANK_CARD_DIGITS:
        return None
    return digits
