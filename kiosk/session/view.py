"""The immutable snapshot a screen draws: :meth:`SessionFlow.view` returns a fresh one after each event.

It holds only what the screen shows: the stage, the countdown, texts in Chinese and English (the
screen picks ``view.language``), the masked name, money in fen, and the buttons that exist. Never an
ID number, a full name, a token or a face.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kiosk.session.data import (
    AccountSummary,
    MovementRow,
    SubmissionKind,
    WithdrawalOption,
)
from kiosk.session.states import Action, Rating, Stage

Language = Literal["zh", "en"]


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str

    def __call__(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True, slots=True)
class FaceDetail:
    step: str  # "" until the first progress; then face_found, adjust, challenge, hold_still, verified
    code: str  # the quality gate or the challenge (blink, turn_left, turn_right)
    attempt: int  # 1-based
    attempts: int  # how many tries the member has in all


@dataclass(frozen=True, slots=True)
class AccountDetail:
    account: AccountSummary | None  # None while loading
    rows: tuple[MovementRow, ...]  # this page of recent transactions, newest first
    page: int  # 0-based
    pages: int


@dataclass(frozen=True, slots=True)
class CertificateDetail:
    verification_code: str | None  # None while loading
    preview_png: str | None  # a picture of page 1 in the session's temp area, if any
    can_reprint: bool = False


@dataclass(frozen=True, slots=True)
class TypesDetail:
    options: tuple[WithdrawalOption, ...] | None  # this page; None while loading
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class RuleDetail:
    option: WithdrawalOption


@dataclass(frozen=True, slots=True)
class AmountDetail:
    option: WithdrawalOption
    amount_fen: int | None  # what has been entered so far; None: nothing yet
    balance_fen: int | None  # None if the account was not loaded
    whole_balance: bool  # the type pays out the whole balance: nothing to enter


@dataclass(frozen=True, slots=True)
class BankCardDetail:
    entered_masked: str  # the digits entered so far, masked as the member types
    last4_on_file: str | None  # the last four digits of the card the fund center has, as a hint


@dataclass(frozen=True, slots=True)
class ConfirmDetail:
    option: WithdrawalOption
    amount_fen: int | None  # None: the whole balance
    balance_fen: int | None
    bank_card_masked: str


@dataclass(frozen=True, slots=True)
class ResultDetail:
    kind: SubmissionKind
    reference: str | None  # the receipt number when accepted
    amount_fen: int | None
    receipt: Text | None  # what became of the printed receipt (None: not printed yet or not needed)
    can_reprint: bool = False


@dataclass(frozen=True, slots=True)
class RatingDetail:
    levels: tuple[Rating, ...]
    chosen: Rating | None
    presets: tuple[str, ...]  # comment presets (Chinese, from the config)
    comments: tuple[str, ...]  # the presets ticked, in preset order


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    can_retry: bool


Detail = (
    FaceDetail
    | AccountDetail
    | CertificateDetail
    | TypesDetail
    | RuleDetail
    | AmountDetail
    | BankCardDetail
    | ConfirmDetail
    | ResultDetail
    | RatingDetail
    | ErrorDetail
)


@dataclass(frozen=True, slots=True)
class View:
    stage: Stage
    session: int | None  # None on the attract, card and goodbye screens of no member
    seconds_left: int | None  # the visible countdown; None where there is none (attract)
    language: Language
    elderly: bool
    title: Text
    message: Text | None  # the prompt, the progress, or the calm explanation of a failure
    buttons: tuple[Action, ...]  # the buttons that exist on this screen, in display order
    name_masked: str | None = None  # 林** once the back end opened the session
    detail: Detail | None = None
    busy: bool = False  # waiting for a service (show a spinner; buttons except back/exit do nothing)
    extra: tuple[Text, ...] = field(default=())  # further lines (e.g. the SMS notice under a result)

    def text(self, text: Text) -> str:
        return text(self.language)
