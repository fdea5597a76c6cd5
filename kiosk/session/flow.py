"""The member's session as a pure state machine: events in (:mod:`kiosk.session.events`), an immutable
:class:`~kiosk.session.view.View` out, side effects through :class:`~kiosk.session.ports.Services`.

It runs on the UI thread and never blocks: every call to the services returns at once and its answer
comes back later as an event naming its session; answers for a session that has ended are dropped.
Time comes from an injected clock (``time.monotonic`` in the app, a fake in tests): every stage has a
deadline from the config, any touch or button pushes it back, the elderly mode stretches it.

However a session ends (done, exit, timeout, a removed card, an error), the services are told to
:meth:`~kiosk.session.ports.Services.wipe` it and the flow drops its :class:`Member` before GOODBYE
(or the rating, which keeps only the session's number) is shown.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from drivers.idcard.carddata import CardRecord
from drivers.idcard.poller import CardPlaced, CardReadFailed, CardRemoved
from kiosk.config import SessionSection
from kiosk.session import events as ev
from kiosk.session.data import SubmissionKind, WithdrawalDraft
from kiosk.session.member import Member, RatingDraft
from kiosk.session.messages import MESSAGES, face_progress, from_service
from kiosk.session.ports import Services
from kiosk.session.render import Screen, render
from kiosk.session.rules import (
    BACK_TO,
    CALL_STAGE,
    FINAL_FACE_FAILURES,
    RESULT_TEXT,
    RETRYABLE,
    parse_amount,
    parse_bank_card,
    timeout_s,
)
from kiosk.session.states import CARD_FREE_STAGES, MONEY_STAGES, Action, Problem, Rating, Stage
from kiosk.session.view import Language, Text, View

log = logging.getLogger(__name__)


class SessionFlow:
    """One kiosk's sessions, one after the other. Call :meth:`handle` on the UI thread only."""

    def __init__(
        self,
        settings: SessionSection,
        services: Services,
        clock: Callable[[], float],
        language: Language = "zh",
    ) -> None:
        self.settings = settings
        self.services = services
        self.clock = clock
        self.default_language: Language = language
        self.language: Language = language
        self.elderly = False
        self.stage = Stage.ATTRACT
        self.member: Member | None = None
        self.rating: RatingDraft | None = None
        self.message: Text | None = None
        self.can_retry = False
        self.deadline: float | None = None
        self._sessions = 0

    # -- the public surface ---------------------------------------------------------------------
    def handle(self, event: ev.Event) -> View:
        """Apply one event; return the view to draw."""
        if isinstance(event, ev.Tick):
            self._check_deadline()
        elif isinstance(event, ev.Touch):
            self._touched()
        elif isinstance(event, ev.Press):
            self._touched()
            self._press(event.action, event.value)
        elif isinstance(event, CardPlaced):
            self._card_placed(event.record)
        elif isinstance(event, CardRemoved):
            self._card_removed()
        elif isinstance(event, CardReadFailed):
            self._card_unreadable(event.error.message_zh)
        elif isinstance(event, ev.ReaderStatusChanged):
            pass  # the attract screen shows the reader's state; a session goes on until it needs the card
        elif self.member is not None and event.session == self.member.session:
            self._service(event)
        else:
            log.debug("%s for a session that has ended: ignored", type(event).__name__)
        return self.view()

    def view(self) -> View:
        seconds = None if self.deadline is None else max(0, math.ceil(self.deadline - self.clock()))
        screen = Screen(
            self.stage, self.member, self.rating, self.message, self.can_retry, self.settings, self.elderly
        )
        return render(screen, seconds, self.language)

    @property
    def session(self) -> int | None:
        """The number of the session under way (the rating's, once the member is wiped)."""
        if self.member is not None:
            return self.member.session
        return self.rating.session if self.rating is not None else None

    # -- time -----------------------------------------------------------------------------------
    def _timeout_s(self, stage: Stage) -> float | None:
        return timeout_s(self.settings, stage, self.elderly)

    def _restart_clock(self) -> None:
        seconds = self._timeout_s(self.stage)
        self.deadline = None if seconds is None else self.clock() + seconds

    def _touched(self) -> None:
        if self.stage is not Stage.GOODBYE:
            self._restart_clock()

    def _check_deadline(self) -> None:
        if self.deadline is None or self.clock() < self.deadline:
            return
        stage = self.stage
        log.info("session stage %s timed out", stage)
        if stage in (Stage.CARD, Stage.GOODBYE):
            self._go(Stage.ATTRACT)
        elif stage is Stage.RATING:
            self._goodbye(None)
        elif stage is Stage.SUBMITTING and self.member is not None:
            # The outbox holds the withdrawal and keeps delivering it under its key; a late answer
            # still updates this result while it is shown.
            self._result(SubmissionKind.PENDING, MESSAGES["submitted_pending"], None, None)
        else:
            self._goodbye(MESSAGES["timed_out"])

    # -- moving between stages ----------------------------------------------------------------
    def _go(self, stage: Stage, message: Text | None = None) -> None:
        self.stage = stage
        self.message = message
        self.can_retry = False
        if stage is Stage.ATTRACT:  # the next member starts with the kiosk's defaults
            self.rating = None
            self.language = self.default_language
            self.elderly = False
        self._restart_clock()

    def _enter(self, stage: Stage, message: Text | None = None) -> None:
        """Go to a member stage, asking the services for what it shows when it is not there yet."""
        member = self.member
        if member is None:
            return
        if stage in (Stage.MENU, *MONEY_STAGES) and not member.card_present:
            self._finish()  # the card left during a print or a submission: nobody goes on without it
            return
        self._go(stage, message)
        if stage is Stage.ACCOUNT:
            member.used_service = True
            member.page = 0
            if member.account is None:
                self.services.load_account(member.session)
        elif stage is Stage.CERTIFICATE:
            member.used_service = True
            if member.verification_code is None:
                self.services.load_certificate(member.session)
        elif stage is Stage.WITHDRAWAL_TYPE:
            member.used_service = True
            member.page = 0
            if member.types is None:
                self.services.load_withdrawal_types(member.session)
            if member.account is None:
                self.services.load_account(member.session)  # the balance, for the amount step
        elif stage is Stage.OPENING:
            self.services.open_session(member.session)

    def _begin(self, record: CardRecord) -> None:
        """A card was read with no session under way: a new member. The record goes to the services
        (which keep it until the wipe); the flow keeps only a keyed fingerprint of its number."""
        self._sessions += 1
        member = Member(self._sessions)
        member.remember_card(record.id_number)
        self.member = member
        self.rating = None
        self._go(Stage.FACE, MESSAGES["look_at_camera"])
        self.services.start_face(member.session, record)

    def _error(self, message: Text, retry: Stage | None) -> None:
        if self.member is not None:
            self.member.retry = retry
        self._go(Stage.ERROR, message)
        self.can_retry = retry is not None

    def _finish(self) -> None:
        """The member is done (or left): wipe, then ask for a rating if they used a service."""
        member = self.member
        if member is None:
            self._go(Stage.ATTRACT)
            return
        rate = member.used_service
        self._wipe()
        if rate:
            self.rating = RatingDraft(member.session)
            self._go(Stage.RATING, MESSAGES["rating"])
        else:
            self._go(Stage.GOODBYE, MESSAGES["goodbye"])

    def _goodbye(self, message: Text | None) -> None:
        """End the session now (no rating): wipe, then say goodbye."""
        self._wipe()
        self._go(Stage.GOODBYE, message or MESSAGES["goodbye"])

    def _wipe(self) -> None:
        member = self.member
        if member is None:
            return
        self.member = None
        if self.stage in (Stage.FACE, Stage.CONFIRM_FACE):
            self.services.stop_face(member.session)
        self.services.wipe(member.session)

    # -- the card reader ----------------------------------------------------------------------
    def _card_placed(self, record: CardRecord) -> None:
        member = self.member
        if member is None:
            if self.stage in (Stage.ATTRACT, Stage.CARD, Stage.GOODBYE, Stage.RATING, Stage.ERROR):
                self._begin(record)
            return
        if not member.is_same_card(record.id_number):
            if self.stage is Stage.CARD_RETURN:
                self.message = MESSAGES["other_card"]
                self._restart_clock()
            return  # another card during a session is never read into it
        member.card_present = True
        if self.stage is Stage.CARD_RETURN and member.resume is not None:
            resume, member.resume = member.resume, None
            if resume is Stage.CONFIRM_FACE:
                self._submit()  # putting the card back is the second look (re-tapping the card)
            else:
                self._go(resume)

    def _card_removed(self) -> None:
        member = self.member
        if member is None:
            return
        member.card_present = False
        stage = self.stage
        if stage in MONEY_STAGES:
            if stage is Stage.CONFIRM_FACE:
                self.services.stop_face(member.session)
            member.resume = stage
            self._go(Stage.CARD_RETURN, MESSAGES["card_return"])
        elif stage in CARD_FREE_STAGES or stage is Stage.CARD_RETURN:
            pass
        elif stage in (Stage.FACE, Stage.OPENING, Stage.ERROR):
            self._goodbye(None)
        else:
            self._finish()

    def _card_unreadable(self, message_zh: str) -> None:
        unreadable = MESSAGES["card_unreadable"]
        text = Text(message_zh or unreadable.zh, unreadable.en)
        if self.member is None and self.stage in (Stage.ATTRACT, Stage.CARD, Stage.GOODBYE):
            self._go(Stage.CARD, text)
        elif self.stage is Stage.CARD_RETURN:  # the card put back could not be read: say so, keep waiting
            self.message = text
            self._restart_clock()

    # -- buttons ------------------------------------------------------------------------------
    def _press(self, action: Action, value: str) -> None:
        if action is Action.LANGUAGE:
            self.language = "en" if self.language == "zh" else "zh"
            return
        if action is Action.ELDERLY:
            self.elderly = not self.elderly
            self._restart_clock()
            return
        stage = self.stage
        if action is Action.EXIT:
            self._exit()
        elif action is Action.BACK:
            self._back()
        elif stage in (Stage.ATTRACT, Stage.GOODBYE) and action is Action.START:
            self._go(Stage.CARD, MESSAGES["place_card"])
        elif stage is Stage.ERROR and action is Action.RETRY:
            self._retry()
        elif stage is Stage.RATING:
            self._rating(action, value)
        elif self.member is not None:
            self._member_press(stage, action, value, self.member)

    def _exit(self) -> None:
        if self.stage in (Stage.ATTRACT, Stage.GOODBYE):
            self._go(Stage.ATTRACT)
        elif self.stage is Stage.RATING:
            self._goodbye(None)
        elif self.stage in MONEY_STAGES or self.stage in (Stage.FACE, Stage.OPENING, Stage.CARD_RETURN):
            self._goodbye(None)  # nothing was submitted: no rating for an abandoned step
        else:
            self._finish()

    def _back(self) -> None:
        target = BACK_TO.get(self.stage)
        if target is None:
            self._exit()
        elif self.member is None:
            self._go(Stage.ATTRACT)
        else:
            if self.stage is Stage.CONFIRM_FACE:
                self.services.stop_face(self.member.session)
            if self.stage is Stage.WITHDRAWAL_BANK_CARD and self._whole_balance():
                target = Stage.WITHDRAWAL_RULE
            self._enter(target)

    def _retry(self) -> None:
        member = self.member
        if member is None or member.retry is None:
            self._go(Stage.ATTRACT)
            return
        retry, member.retry = member.retry, None
        if retry is Stage.FACE:
            member.face_attempt += 1
            member.face_step = member.face_code = ""
            self._go(Stage.FACE, MESSAGES["look_at_camera"])
            self.services.recheck_face(member.session)
        else:
            self._enter(retry)

    def _member_press(self, stage: Stage, action: Action, value: str, member: Member) -> None:
        if stage is Stage.MENU and action in (Action.ACCOUNT, Action.CERTIFICATE, Action.WITHDRAWAL):
            target = {
                Action.ACCOUNT: Stage.ACCOUNT,
                Action.CERTIFICATE: Stage.CERTIFICATE,
                Action.WITHDRAWAL: Stage.WITHDRAWAL_TYPE,
            }[action]
            self._enter(target)
        elif action in (Action.NEXT_PAGE, Action.PREVIOUS_PAGE):
            self._turn_page(member, 1 if action is Action.NEXT_PAGE else -1)
        elif action is Action.MENU and stage in (Stage.PRINTED, Stage.RESULT, Stage.ACCOUNT):
            self._enter(Stage.MENU)
        elif action is Action.FINISH and stage in (Stage.PRINTED, Stage.RESULT, Stage.ACCOUNT):
            self._finish()
        elif (stage is Stage.CERTIFICATE and action is Action.PRINT and member.verification_code) or (
            stage is Stage.PRINTED and action is Action.REPRINT and member.can_reprint
        ):
            self._go(Stage.PRINTING, MESSAGES["printing"])
            self.services.print_certificate(member.session)
        elif stage is Stage.RESULT and action is Action.REPRINT and member.receipt_can_reprint:
            member.receipt_can_reprint = False
            member.receipt_text = MESSAGES["printing"]
            self.services.print_receipt(member.session)
        elif stage is Stage.WITHDRAWAL_TYPE and action is Action.CHOOSE_TYPE:
            self._choose_type(member, value)
        elif stage is Stage.WITHDRAWAL_RULE and action is Action.DOCUMENTS_READY:
            target = Stage.WITHDRAWAL_BANK_CARD if self._whole_balance() else Stage.WITHDRAWAL_AMOUNT
            self._enter(target, MESSAGES["enter_bank_card" if self._whole_balance() else "enter_amount"])
        elif stage is Stage.WITHDRAWAL_AMOUNT and action in (Action.ENTER_AMOUNT, Action.WHOLE_BALANCE):
            self._amount(member, action, value)
        elif stage is Stage.WITHDRAWAL_BANK_CARD and action is Action.ENTER_BANK_CARD:
            self._bank_card(member, value)
        elif stage is Stage.WITHDRAWAL_CONFIRM and action is Action.CONFIRM:
            self._enter(Stage.CONFIRM_FACE, MESSAGES["confirm_face"])
            self.services.recheck_face(member.session)

    def _turn_page(self, member: Member, step: int) -> None:
        if self.stage is Stage.ACCOUNT:
            count = len(member.movements)
        elif self.stage is Stage.WITHDRAWAL_TYPE and member.types is not None:
            count = len(member.types)
        else:
            return
        pages = max(1, math.ceil(count / self.page_size))
        member.page = min(max(0, member.page + step), pages - 1)

    @property
    def page_size(self) -> int:
        return self.settings.elderly_page_size if self.elderly else self.settings.page_size

    def _choose_type(self, member: Member, code: str) -> None:
        option = next((t for t in member.types or () if t.code == code), None)
        if option is None:
            return
        member.option = option
        member.amount_fen = None
        self._enter(Stage.WITHDRAWAL_RULE, MESSAGES["documents"])

    def _whole_balance(self) -> bool:
        option = self.member.option if self.member is not None else None
        return option is not None and option.closes_account

    def _amount(self, member: Member, action: Action, value: str) -> None:
        balance = member.account.balance_fen if member.account is not None else None
        amount = parse_amount(value, balance, whole=action is Action.WHOLE_BALANCE)
        if isinstance(amount, str):
            self.message = MESSAGES[amount]
            return
        member.amount_fen = amount
        self._enter(Stage.WITHDRAWAL_BANK_CARD, MESSAGES["enter_bank_card"])

    def _bank_card(self, member: Member, value: str) -> None:
        digits = parse_bank_card(value)
        if digits is None:
            self.message = MESSAGES["bank_card_invalid"]
            return
        member.bank_card = digits
        self._enter(Stage.WITHDRAWAL_CONFIRM, MESSAGES["confirm"])

    def _submit(self) -> None:
        member = self.member
        if member is None or member.option is None or not member.bank_card:
            self._goodbye(None)
            return
        draft = WithdrawalDraft(
            type_code=member.option.code,
            amount_fen=None if member.option.closes_account else member.amount_fen,
            bank_card=member.bank_card,
            documents=tuple(d.code for d in member.option.documents),
        )
        self._go(Stage.SUBMITTING, MESSAGES["submitting"])
        self.services.submit_withdrawal(member.session, draft)

    def _rating(self, action: Action, value: str) -> None:
        rating = self.rating
        if rating is None:
            self._goodbye(None)
            return
        if action is Action.RATE and value in set(Rating):
            rating.chosen = value
        elif action is Action.COMMENT and value in self.settings.comment_presets:
            chosen = set(rating.comments) ^ {value}
            rating.comments = tuple(p for p in self.settings.comment_presets if p in chosen)
        elif action is Action.SUBMIT_RATING and rating.chosen is not None:
            self.services.submit_rating(rating.session, Rating(rating.chosen), rating.comments)
            self._goodbye(None)
        elif action is Action.SKIP:
            self._goodbye(None)

    # -- the services' answers ----------------------------------------------------------------
    def _service(self, event: ev.ServiceEvent) -> None:  # noqa: PLR0912 - one branch per answer
        member = self.member
        if member is None:
            return
        stage = self.stage
        if isinstance(event, ev.FaceProgress) and stage in (Stage.FACE, Stage.CONFIRM_FACE):
            member.face_step, member.face_code = event.step, event.code
            self.message = face_progress(event.step, event.code, event.message_zh)
        elif isinstance(event, ev.FaceVerified) and stage is Stage.FACE:
            self._enter(Stage.OPENING, MESSAGES["opening"])
        elif isinstance(event, ev.FaceVerified) and stage is Stage.CONFIRM_FACE:
            self._submit()
        elif isinstance(event, ev.FaceFailed) and stage is Stage.FACE:
            self._face_failed(member, event)
        elif isinstance(event, ev.FaceFailed) and stage is Stage.CONFIRM_FACE:
            member.confirm_failures += 1
            if member.confirm_failures >= self.settings.face_attempts:
                self._wipe()
                self._go(Stage.ERROR, MESSAGES["face_attempts_used"])
            else:
                self._go(Stage.WITHDRAWAL_CONFIRM, MESSAGES["confirm_face_failed"])
        elif isinstance(event, ev.SessionOpened) and stage is Stage.OPENING:
            member.name_masked = event.name_masked
            self._enter(Stage.MENU, MESSAGES["menu"])
        elif isinstance(event, ev.AccountLoaded):
            member.account, member.movements = event.account, event.movements
        elif isinstance(event, ev.WithdrawalTypesLoaded):
            member.types = event.types
        elif isinstance(event, ev.CertificateReady):
            member.verification_code, member.preview_png = event.verification_code, event.preview_png
            if stage is Stage.CERTIFICATE:
                self.message = MESSAGES["certificate_preview"]
        elif isinstance(event, ev.CertificatePrinted) and stage is Stage.PRINTING:
            member.can_reprint = event.can_reprint
            problem = Problem.DOCUMENT if event.outcome == "refused" else Problem.PRINTER
            printed = event.outcome == "printed"
            text = MESSAGES["printed"] if printed else from_service(event.message_zh, problem)
            self._go(Stage.PRINTED, text)
        elif isinstance(event, ev.SubmissionOutcome) and stage in (Stage.SUBMITTING, Stage.RESULT):
            self._submitted(member, event)
        elif isinstance(event, ev.ReceiptPrinted) and stage is Stage.RESULT:
            member.receipt_can_reprint = event.can_reprint
            en = "Receipt printed. Please take it" if event.printed else "The receipt did not print"
            member.receipt_text = Text(event.message_zh, en)
        elif isinstance(event, ev.ServiceFailed):
            self._failed(member, event)

    def _face_failed(self, member: Member, event: ev.FaceFailed) -> None:
        text = Text(event.message_zh, "Face verification did not pass")
        final = event.code in FINAL_FACE_FAILURES
        if final or member.face_attempt >= self.settings.face_attempts:
            if not final:
                text = MESSAGES["face_attempts_used"]
            self._wipe()  # nothing more will happen for this member: forget them now
            self._go(Stage.ERROR, text)
        else:
            self._error(text, Stage.FACE)

    def _submitted(self, member: Member, event: ev.SubmissionOutcome) -> None:
        if event.kind in (SubmissionKind.REFUSED, SubmissionKind.NOT_RECORDED):
            text = from_service(event.message_zh, Problem.REFUSED)
            text = Text(text.zh, MESSAGES[RESULT_TEXT[event.kind]].en)
        else:
            text = MESSAGES[RESULT_TEXT[event.kind]]
        self._result(event.kind, text, event.reference, event.amount_fen)
        if event.kind in (SubmissionKind.ACCEPTED, SubmissionKind.IN_REVIEW):
            member.receipt_text = MESSAGES["printing"]
            self.services.print_receipt(member.session)

    def _result(self, kind: SubmissionKind, text: Text, reference: str | None, amount: int | None) -> None:
        member = self.member
        if member is None:
            return
        member.used_service = True
        member.result_kind, member.result_text = kind, text
        member.reference, member.result_amount_fen = reference, amount
        self._go(Stage.RESULT, text)

    def _failed(self, member: Member, event: ev.ServiceFailed) -> None:
        if CALL_STAGE[event.call] is not self.stage:
            return  # the member has moved on; the next visit to that stage asks again
        text = from_service(event.message_zh, event.problem)
        if event.problem is Problem.EXPIRED:
            self._wipe()
            self._go(Stage.ERROR, text)
            return
        self._error(text, CALL_STAGE[event.call] if event.problem in RETRYABLE else None)
