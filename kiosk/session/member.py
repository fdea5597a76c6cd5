"""Everything the flow holds about the member of one session, in one object that is dropped at the end.

The card itself is never kept here: only a keyed fingerprint of its ID number (to recognise the same
card when it is put back), whose key is random per session and dropped with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from kiosk.session.data import AccountSummary, MovementRow, SubmissionKind, WithdrawalOption
from kiosk.session.states import Stage
from kiosk.session.view import Text


def _fingerprint(key: bytes, id_number: str) -> bytes:
    return hmac.new(key, id_number.encode("utf-8"), hashlib.sha256).digest()


@dataclass
class Member:
    session: int
    _card_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _card: bytes = field(default=b"", repr=False)
    card_present: bool = True
    used_service: bool = False  # shown an account, a certificate or a withdrawal: ask for a rating
    name_masked: str | None = None
    # face
    face_step: str = ""
    face_code: str = ""
    face_attempt: int = 1
    confirm_failures: int = 0
    # account
    account: AccountSummary | None = None
    movements: tuple[MovementRow, ...] = ()
    page: int = 0
    # certificate
    verification_code: str | None = None
    preview_png: str | None = None
    print_text: Text | None = None
    can_reprint: bool = False
    # withdrawal
    types: tuple[WithdrawalOption, ...] | None = None
    option: WithdrawalOption | None = None
    amount_fen: int | None = None
    bank_card: str = field(default="", repr=False)
    # result
    result_kind: SubmissionKind | None = None
    result_text: Text | None = None
    reference: str | None = None
    result_amount_fen: int | None = None
    receipt_text: Text | None = None
    receipt_can_reprint: bool = False
    # where a paused step goes on (CARD_RETURN) and what RETRY does (ERROR)
    resume: Stage | None = None
    retry: Stage | None = None

    def remember_card(self, id_number: str) -> None:
        self._card = _fingerprint(self._card_key, id_number)

    def is_same_card(self, id_number: str) -> bool:
        return hmac.compare_digest(self._card, _fingerprint(self._card_key, id_number))


@dataclass
class RatingDraft:
    """What is left of a session once the member is wiped: its number, for an anonymous rating."""

    session: int
    chosen: str | None = None
    comments: tuple[str, ...] = ()
