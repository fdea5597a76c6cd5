"""Everything that can happen to a session, as plain immutable events for :meth:`SessionFlow.handle`.

- From the card reader: the poller's own events (:mod:`drivers.idcard.poller`) are passed in as they are.
- From the screen: :class:`Touch` (any touch: restarts the stage's countdown), :class:`Press` (a
  button, with a value for the buttons that carry one), :class:`Tick` (the screen's clock, ~1 Hz).
- From the services (:class:`~kiosk.session.ports.Services`): each names the ``session`` it belongs
  to; an event for a session that has already ended is ignored, so a late answer can never reach the
  next member's screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.idcard.poller import CardEvent, CardPlaced, CardReadFailed, CardRemoved, ReaderStatusChanged
from kiosk.session.data import (
    AccountSummary,
    MovementRow,
    PrintOutcome,
    SubmissionKind,
    WithdrawalOption,
)
from kiosk.session.states import Action, Call, Problem


# -- the screen --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Touch:
    """Any touch anywhere: the member is still there."""


@dataclass(frozen=True, slots=True)
class Press:
    action: Action
    value: str = ""  # CHOOSE_TYPE: a type code; ENTER_AMOUNT: fen digits; ENTER_BANK_CARD: digits;
    # RATE: a Rating value; COMMENT: a comment preset


@dataclass(frozen=True, slots=True)
class Tick:
    """The screen's clock: the flow checks the stage's deadline against its injected clock."""


# -- the services (each names the session it answers) ---------------------------------------------
@dataclass(frozen=True, slots=True)
class FaceProgress:
    session: int
    step: str  # kiosk.identity.verifier.Step: face_found, adjust, challenge, hold_still
    code: str  # the gate or the challenge (blink, turn_left …)
    message_zh: str


@dataclass(frozen=True, slots=True)
class FaceVerified:
    session: int


@dataclass(frozen=True, slots=True)
class FaceFailed:
    session: int
    code: str  # kiosk.identity.verifier.Failure, or "no_reference" when the back end has no face
    message_zh: str


@dataclass(frozen=True, slots=True)
class SessionOpened:
    session: int
    name_masked: str


@dataclass(frozen=True, slots=True)
class AccountLoaded:
    session: int
    account: AccountSummary
    movements: tuple[MovementRow, ...]  # newest first


@dataclass(frozen=True, slots=True)
class CertificateReady:
    session: int
    verification_code: str
    preview_png: str | None  # a picture of page 1 inside the session's wiped temp area, if one was made


@dataclass(frozen=True, slots=True)
class CertificatePrinted:
    session: int
    outcome: PrintOutcome
    message_zh: str
    can_reprint: bool


@dataclass(frozen=True, slots=True)
class WithdrawalTypesLoaded:
    session: int
    types: tuple[WithdrawalOption, ...]


@dataclass(frozen=True, slots=True)
class SubmissionOutcome:
    session: int
    kind: SubmissionKind
    message_zh: str  # the true sentence for the member (the back end's reason when refused)
    reference: str | None = None  # the receipt number when accepted
    amount_fen: int | None = None


@dataclass(frozen=True, slots=True)
class ReceiptPrinted:
    session: int
    printed: bool
    message_zh: str  # "打印完成，请取走", or the note under the result when it did not print
    can_reprint: bool


@dataclass(frozen=True, slots=True)
class ServiceFailed:
    """A service call could not be done; ``call`` says which (the flow offers a retry where it helps)."""

    session: int
    call: Call
    problem: Problem
    message_zh: str  # for the member: calm, what to do next


ServiceEvent = (
    FaceProgress
    | FaceVerified
    | FaceFailed
    | SessionOpened
    | AccountLoaded
    | CertificateReady
    | CertificatePrinted
    | WithdrawalTypesLoaded
    | SubmissionOutcome
    | ReceiptPrinted
    | ServiceFailed
)
ScreenEvent = Touch | Press | Tick
Event = CardEvent | ScreenEvent | ServiceEvent

__all__ = [
    "AccountLoaded",
    "CardPlaced",
    "CardReadFailed",
    "CardRemoved",
    "CertificatePrinted",
    "CertificateReady",
    "Event",
    "FaceFailed",
    "FaceProgress",
    "FaceVerified",
    "Press",
    "ReaderStatusChanged",
    "ReceiptPrinted",
    "ScreenEvent",
    "ServiceEvent",
    "ServiceFailed",
    "SessionOpened",
    "SubmissionOutcome",
    "Tick",
    "Touch",
    "WithdrawalTypesLoaded",
]
