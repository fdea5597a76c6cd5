"""The demo's walkthrough: a whole session of demo member 1 (林晓雯, a normal payer who may withdraw
for rent) on the simulators, and one failure path: the A4 printer out of paper, then printed again.

Each step acts as the member or the hall would (a card placed, a button pressed, paper taken out)
and waits for the screen it leads to; the app captures a picture after each step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kiosk.app import KioskHandle, WalkStep, at
from kiosk.session.events import Press
from kiosk.session.states import Action, Rating, Stage
from kiosk.session.view import AccountDetail, CertificateDetail, FaceDetail, ResultDetail, TypesDetail, View

MEMBER = 1  # 林晓雯: normal payer, rent withdrawal eligible
RENT = "rent"
AMOUNT_FEN = 150000  # 1,500.00 yuan
BANK_CARD = "6222020200000000014"  # the card the reference back end's seed gives demo member 1


class Hall(Protocol):
    """What the walkthrough does to the simulated hardware (the demo's :class:`DemoHardware`)."""

    def place(self, number: int) -> None: ...

    def remove(self) -> None: ...

    def set_paper(self, out: bool) -> None: ...


def press(action: Action, value: str = "") -> Callable[[KioskHandle], None]:
    return lambda kiosk: kiosk.send(Press(action, value))


def typed(keys: str) -> Callable[[KioskHandle], None]:
    """Type on the number pad of the screen shown (as a member's finger would, key by key)."""

    def act(kiosk: KioskHandle) -> None:
        for key in keys:
            kiosk.tap_pad(key)

    return act


def both(*acts: Callable[[KioskHandle], None]) -> Callable[[KioskHandle], None]:
    def act(kiosk: KioskHandle) -> None:
        for one in acts:
            one(kiosk)

    return act


def _challenge(view: View) -> bool:
    return (
        view.stage is Stage.FACE and isinstance(view.detail, FaceDetail) and view.detail.step == "challenge"
    )


def _loaded(stage: Stage, detail: type) -> Callable[[View], bool]:
    def ready(view: View) -> bool:
        d = view.detail
        if view.stage is not stage or view.busy or not isinstance(d, detail):
            return False
        if isinstance(d, AccountDetail):
            return d.account is not None
        if isinstance(d, CertificateDetail):
            return d.verification_code is not None
        if isinstance(d, TypesDetail):
            return d.options is not None
        return True

    return ready


def _printed(failed: bool) -> Callable[[View], bool]:
    return lambda view: view.stage is Stage.PRINTED and (Action.REPRINT in view.buttons) is failed


def _result_with_receipt(view: View) -> bool:
    return (
        view.stage is Stage.RESULT
        and isinstance(view.detail, ResultDetail)
        and view.detail.receipt is not None
    )


def walkthrough_steps(hall: Hall) -> tuple[WalkStep, ...]:
    return (
        WalkStep("attract", until=at(Stage.ATTRACT)),
        WalkStep("place-card", press(Action.START), until=at(Stage.CARD)),
        WalkStep("face-liveness", lambda _k: hall.place(MEMBER), until=_challenge),
        WalkStep("menu", until=at(Stage.MENU), timeout_s=30.0),
        WalkStep("account", press(Action.ACCOUNT), until=_loaded(Stage.ACCOUNT, AccountDetail)),
        WalkStep("account-next-page", press(Action.NEXT_PAGE), until=_loaded(Stage.ACCOUNT, AccountDetail)),
        WalkStep(
            "certificate-preview",
            both(press(Action.BACK), press(Action.CERTIFICATE)),
            until=_loaded(Stage.CERTIFICATE, CertificateDetail),
            timeout_s=30.0,
        ),
        WalkStep(
            "printer-out-of-paper",
            both(lambda _k: hall.set_paper(True), press(Action.PRINT)),
            until=_printed(failed=True),
            timeout_s=30.0,
        ),
        WalkStep(
            "certificate-printed",
            both(lambda _k: hall.set_paper(False), press(Action.REPRINT)),
            until=_printed(failed=False),
            timeout_s=30.0,
        ),
        WalkStep(
            "withdrawal-types",
            both(press(Action.MENU), press(Action.WITHDRAWAL)),
            until=_loaded(Stage.WITHDRAWAL_TYPE, TypesDetail),
        ),
        WalkStep("withdrawal-rule", press(Action.CHOOSE_TYPE, RENT), until=at(Stage.WITHDRAWAL_RULE)),
        WalkStep(
            "withdrawal-amount",
            both(press(Action.DOCUMENTS_READY), typed(str(AMOUNT_FEN // 100))),
            until=at(Stage.WITHDRAWAL_AMOUNT),
        ),
        WalkStep(
            "withdrawal-bank-card",
            press(Action.ENTER_AMOUNT, str(AMOUNT_FEN)),
            until=at(Stage.WITHDRAWAL_BANK_CARD),
        ),
        WalkStep("withdrawal-bank-card-typed", typed(BANK_CARD), until=at(Stage.WITHDRAWAL_BANK_CARD)),
        WalkStep(
            "withdrawal-confirm", press(Action.ENTER_BANK_CARD, BANK_CARD), until=at(Stage.WITHDRAWAL_CONFIRM)
        ),
        WalkStep("confirm-face", press(Action.CONFIRM), until=at(Stage.CONFIRM_FACE, busy=None)),
        WalkStep("result", until=_result_with_receipt, timeout_s=45.0),
        WalkStep("rating", press(Action.FINISH), until=at(Stage.RATING)),
        WalkStep(
            "rating-chosen",
            both(press(Action.RATE, str(Rating.VERY_SATISFIED)), press(Action.COMMENT, "办理快捷")),
            until=at(Stage.RATING),
        ),
        WalkStep("goodbye", press(Action.SUBMIT_RATING), until=at(Stage.GOODBYE, busy=None)),
        WalkStep("attract-again", lambda _k: hall.remove(), until=at(Stage.ATTRACT), timeout_s=20.0),
    )
