"""A recording :class:`~kiosk.session.ports.Services` and a clock the test moves: the flow's own tests
answer every call by hand, as the real services would answer later through the UI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from drivers.idcard.carddata import CardRecord, CardType
from drivers.idcard.poller import CardPlaced
from kiosk.config import SessionSection
from kiosk.session import events as ev
from kiosk.session.data import (
    AccountSummary,
    MovementRow,
    PrintOutcome,
    RequiredDocument,
    SubmissionKind,
    WithdrawalDraft,
    WithdrawalOption,
)
from kiosk.session.flow import SessionFlow
from kiosk.session.states import Action, Rating, Stage


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RecordingServices:
    calls: list[tuple[str, int, tuple[Any, ...]]] = field(default_factory=list)

    def _record(self, name: str, session: int, *args: Any) -> None:
        self.calls.append((name, session, args))

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]

    def last(self, name: str) -> tuple[int, tuple[Any, ...]]:
        for called, session, args in reversed(self.calls):
            if called == name:
                return session, args
        raise AssertionError(f"{name} was never called; calls: {self.names()}")

    def start_face(self, session: int, card: CardRecord) -> None:
        self._record("start_face", session, card)

    def recheck_face(self, session: int) -> None:
        self._record("recheck_face", session)

    def stop_face(self, session: int) -> None:
        self._record("stop_face", session)

    def open_session(self, session: int) -> None:
        self._record("open_session", session)

    def load_account(self, session: int) -> None:
        self._record("load_account", session)

    def load_certificate(self, session: int) -> None:
        self._record("load_certificate", session)

    def print_certificate(self, session: int) -> None:
        self._record("print_certificate", session)

    def load_withdrawal_types(self, session: int) -> None:
        self._record("load_withdrawal_types", session)

    def submit_withdrawal(self, session: int, draft: WithdrawalDraft) -> None:
        self._record("submit_withdrawal", session, draft)

    def print_receipt(self, session: int) -> None:
        self._record("print_receipt", session)

    def submit_rating(self, session: int, rating: Rating, comments: tuple[str, ...]) -> None:
        self._record("submit_rating", session, rating, comments)

    def wipe(self, session: int) -> None:
        self._record("wipe", session)


def card(id_number: str = "371302198806120029", name: str = "林晓雯") -> CardRecord:
    return CardRecord(
        card_type=CardType.RESIDENT,
        name=name,
        gender="female",
        birth_date=dt.date(1988, 6, 12),
        id_number=id_number,
        valid_from=dt.date(2020, 1, 1),
        valid_to=None,
        photo=b"WLT" * 10,
    )


def placed(id_number: str = "371302198806120029", name: str = "林晓雯") -> CardPlaced:
    return CardPlaced(card(id_number, name))


def account(balance_fen: int = 5_000_000, name_masked: str = "林**") -> AccountSummary:
    return AccountSummary(
        name_masked=name_masked,
        account_masked="1101********0029",
        employer_name="示例科技有限公司",
        status="normal",
        balance_fen=balance_fen,
        monthly_amount_fen=240_000,
        contribution_base_fen=1_000_000,
        employer_rate_bp=1200,
        personal_rate_bp=1200,
        paid_up_to="2026-10",
        loan_status="none",
        bank_card_last4="0123",
    )


def movements(count: int) -> tuple[MovementRow, ...]:
    return tuple(
        MovementRow(
            "deposit",
            240_000,
            240_000 * (count - i),
            dt.date(2026, 10, 1) - dt.timedelta(days=30 * i),
            "汇缴",
        )
        for i in range(count)
    )


RENT = WithdrawalOption("rent", "租房提取", "《住房公积金管理条例》第二十四条", (), False, "instant")
RETIREMENT = WithdrawalOption(
    "retirement", "离退休提取", "《住房公积金管理条例》第二十四条", (), True, "instant"
)
PURCHASE = WithdrawalOption(
    "house_purchase",
    "购房提取",
    "《住房公积金管理条例》第二十四条",
    (RequiredDocument("purchase_contract", "购房合同"), RequiredDocument("purchase_invoice", "购房发票")),
    False,
    "review",
)
TYPES = (RENT, RETIREMENT, PURCHASE)


def new_flow(settings: SessionSection | None = None) -> tuple[SessionFlow, RecordingServices, FakeClock]:
    services = RecordingServices()
    clock = FakeClock()
    return SessionFlow(settings or SessionSection(), services, clock), services, clock


BANK_CARD = "6222020200000000018"
OTHER = ("110105199501300719", "何一鸣")


def session_of(flow: SessionFlow) -> int:
    assert flow.session is not None
    return flow.session


def to_stage(flow: SessionFlow, stage: Stage) -> None:  # noqa: PLR0911, PLR0912 - one path per stage
    """Drive a fresh flow to ``stage`` the way a member would, the fake services answering."""
    if stage is Stage.ATTRACT:
        return
    if stage is Stage.CARD:
        flow.handle(ev.Press(Action.START))
        return
    flow.handle(placed())
    sid = session_of(flow)
    if stage is Stage.FACE:
        return
    if stage is Stage.ERROR:
        flow.handle(ev.FaceFailed(sid, "timeout", "核验时间到了，请重新开始"))
        return
    flow.handle(ev.FaceVerified(sid))
    if stage is Stage.OPENING:
        return
    flow.handle(ev.SessionOpened(sid, "林**"))
    if stage is Stage.MENU:
        return
    if stage is Stage.ACCOUNT:
        flow.handle(ev.Press(Action.ACCOUNT))
        flow.handle(ev.AccountLoaded(sid, account(), movements(10)))
        return
    if stage in (Stage.CERTIFICATE, Stage.PRINTING, Stage.PRINTED):
        flow.handle(ev.Press(Action.CERTIFICATE))
        flow.handle(ev.CertificateReady(sid, "7F3KQ9WD", None))
        if stage is not Stage.CERTIFICATE:
            flow.handle(ev.Press(Action.PRINT))
        if stage is Stage.PRINTED:
            flow.handle(ev.CertificatePrinted(sid, PrintOutcome.FAILED, "打印机缺纸", True))
        return
    flow.handle(ev.Press(Action.WITHDRAWAL))
    flow.handle(ev.WithdrawalTypesLoaded(sid, TYPES))
    flow.handle(ev.AccountLoaded(sid, account(), movements(3)))
    if stage is Stage.WITHDRAWAL_TYPE:
        return
    flow.handle(ev.Press(Action.CHOOSE_TYPE, "rent"))
    if stage is Stage.WITHDRAWAL_RULE:
        return
    flow.handle(ev.Press(Action.DOCUMENTS_READY))
    if stage is Stage.WITHDRAWAL_AMOUNT:
        return
    if stage is Stage.CARD_RETURN:
        flow.handle(ev.CardRemoved())
        return
    flow.handle(ev.Press(Action.ENTER_AMOUNT, "100000"))
    if stage is Stage.WITHDRAWAL_BANK_CARD:
        return
    flow.handle(ev.Press(Action.ENTER_BANK_CARD, BANK_CARD))
    if stage is Stage.WITHDRAWAL_CONFIRM:
        return
    flow.handle(ev.Press(Action.CONFIRM))
    if stage is Stage.CONFIRM_FACE:
        return
    flow.handle(ev.FaceVerified(sid))
    if stage is Stage.SUBMITTING:
        return
    flow.handle(ev.SubmissionOutcome(sid, SubmissionKind.ACCEPTED, "提取申请已受理", "TQ1", 100000))
    if stage is Stage.RESULT:
        return
    flow.handle(ev.Press(Action.FINISH))
    if stage is Stage.RATING:
        return
    flow.handle(ev.Press(Action.SKIP))
    assert stage is Stage.GOODBYE
