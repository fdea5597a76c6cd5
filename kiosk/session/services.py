"""The real :class:`~kiosk.session.ports.Services`: hardware and network on :class:`~kiosk.workers.Workers`,
answers handed to the flow through ``emit`` on the UI thread (the workers' ``post`` puts them there).

All state is touched on the UI thread only; a worker gets the values it needs, never the
:class:`~kiosk.session.visit.Visit`. An answer for a visit that has been wiped meanwhile is dropped,
and whatever it carried is destroyed (an encoding zeroed, a fresh back-end session ended).

The app wiring::

    workers = Workers(post)                  # post = Clock.schedule_once wrapper
    services = KioskServices(parts)           # wipes the temp areas a crash left behind
    flow = SessionFlow(cfg.session, services, time.monotonic, cfg.kiosk.language)
    services.connect(lambda event: redraw(flow.handle(event)))
    Clock.schedule_interval(lambda _dt: services.pump(), 1 / 30)   # camera frames to the verifier
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from drivers.camera import Camera
from drivers.idcard.carddata import CardRecord, Validity
from drivers.printer.escpos.protocol import Receipt
from kiosk.client.api import RATINGS, FundCenterApi, SealedCertificate, rating_body
from kiosk.documents.printing import DocumentPrinter, PrintResult, ReceiptPrinter, SessionPrints
from kiosk.documents.verify import CertificateVerifier, DocumentRefused
from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import FaceEngine, FaceInputError
from kiosk.identity.liveness import Challenge, random_challenge
from kiosk.identity.reference import encoding_from_values
from kiosk.identity.session import VerificationSession
from kiosk.identity.verifier import FaceVerifier, Progress, Step, VerifyPolicy
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox, OutboxFull
from kiosk.outbox.submit import SUBMITTED_ZH, submit_withdrawal
from kiosk.session import convert
from kiosk.session import events as ev
from kiosk.session.data import PrintOutcome, SubmissionKind, WithdrawalDraft
from kiosk.session.ports import Services
from kiosk.session.states import Call, Problem, Rating
from kiosk.session.visit import Accepted, Visit
from kiosk.session.wipe import new_scratch, wipe_leftovers
from kiosk.workers import Workers

log = logging.getLogger(__name__)
T = TypeVar("T")
CHINA = dt.timezone(dt.timedelta(hours=8))
NOT_RECORDED_ZH = "暂时无法提交，本次未提交任何业务，请到柜台办理"
CARD_NOT_VALID_ZH = "身份证不在有效期内，请使用有效证件或到柜台办理"
RATING_KIND = "rating"  # an outbox item: a 好差评 rating
PREVIEW_DPI = 60


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ServiceParts:
    """What the services work with; the app builds them from the config, the tests from simulators."""

    api: FundCenterApi
    outbox: Outbox
    sender: OutboxSender
    camera: Camera
    engine: FaceEngine
    documents: DocumentPrinter
    receipts: ReceiptPrinter
    certificates: CertificateVerifier
    workers: Workers
    temp_root: Path  # the sessions' temp areas (kiosk.session.wipe.session_root)
    verify_policy: VerifyPolicy = field(default_factory=VerifyPolicy)
    challenge: Callable[[], Challenge] = random_challenge
    now: Callable[[], dt.datetime] = _utc_now
    center_name: str = "住房公积金管理中心"


def yuan(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


class KioskServices:
    def __init__(self, parts: ServiceParts, emit: Callable[[ev.Event], None] | None = None) -> None:
        self.parts = parts
        self._emit = emit
        self._visit: Visit | None = None
        self._boot = uuid.uuid4().hex[:12]  # rating references: unique per run, never a person's
        wipe_leftovers(parts.temp_root)

    def connect(self, emit: Callable[[ev.Event], None]) -> None:
        """Where answers go (the flow's ``handle``, wrapped by the app to redraw); on the UI thread."""
        self._emit = emit

    # -- plumbing ---------------------------------------------------------------------------------
    def _current(self, session: int) -> Visit | None:
        visit = self._visit
        return visit if visit is not None and visit.session == session else None

    def _send(self, event: ev.ServiceEvent) -> None:
        if self._emit is not None and self._current(event.session) is not None:
            self._emit(event)

    def _run(
        self,
        visit: Visit,
        work: Callable[[], T],
        done: Callable[[Visit, T], None],
        failed: Callable[[Exception], None],
        stale: Callable[[T], None] | None = None,
    ) -> None:
        """Run ``work`` on a worker; ``done`` on the UI thread if ``visit`` is still the current one,
        else ``stale`` destroys what the answer carried."""

        def on_result(result: T) -> None:
            if self._visit is visit:
                done(visit, result)
            elif stale is not None:
                stale(result)

        def on_error(exc: Exception) -> None:
            if self._visit is visit:
                failed(exc)
            else:
                log.info("an answer for a wiped session failed, ignored: %s", type(exc).__name__)

        self.parts.workers.run(work, on_result, on_error)

    def _fail(self, session: int, call: Call) -> Callable[[Exception], None]:
        def failed(exc: Exception) -> None:
            problem, message = convert.problem_of(exc)
            log.warning("session %d: %s failed: %s", session, call, type(exc).__name__)
            self._send(ev.ServiceFailed(session, call, problem, message))

        return failed

    # -- the face -------------------------------------------------------------------------------
    def pump(self) -> None:
        """Call on the UI thread at the screen's frame rate: the newest camera frame to the verifier."""
        visit = self._visit
        if visit is not None and visit.face is not None:
            visit.face.pump()

    @property
    def camera(self) -> Camera:
        """For the screen's preview (frames into a texture)."""
        return self.parts.camera

    def start_face(self, session: int, card: CardRecord) -> None:
        if self._visit is not None:
            log.error("session %d started while session %d was not wiped", session, self._visit.session)
            self.wipe(self._visit.session)
        scratch = new_scratch(self.parts.temp_root)
        p = self.parts
        prints = SessionPrints(p.documents, p.receipts, p.certificates, temp_dir=scratch.path)
        visit = Visit(session, card, p.now(), scratch, prints)
        self._visit = visit
        if card.validity(visit.read_at.astimezone(CHINA).date()) is not Validity.VALID:
            self._send(ev.FaceFailed(session, "card_not_valid", CARD_NOT_VALID_ZH))
            return
        self._fetch_reference(visit)

    def _fetch_reference(self, visit: Visit) -> None:
        card = visit.card
        if card is None:
            return
        body = {"id_number": card.id_number, "name": card.name, "read_at": visit.read_at.isoformat()}
        api = self.parts.api

        def work() -> Encoding:
            return encoding_from_values(api.reference_face(body).encoding)

        def done(visit: Visit, encoding: Encoding) -> None:
            visit.reference = encoding
            self._start_verification(visit)

        def failed(exc: Exception) -> None:
            if isinstance(exc, FaceInputError):
                problem, message = Problem.CARD, "中心留存的人脸信息无法使用，请到柜台办理"
            else:
                problem, message = convert.problem_of(exc)
            code = "unreachable" if problem is Problem.UNREACHABLE else "no_reference"
            self._send(ev.FaceFailed(visit.session, code, message))

        self._run(visit, work, done, failed, stale=lambda encoding: np.asarray(encoding).fill(0.0))

    def _start_verification(self, visit: Visit) -> None:
        visit.stop_face()
        if visit.reference is None:
            self._fetch_reference(visit)
            return
        challenge = self.parts.challenge()
        verifier = FaceVerifier(
            self.parts.engine, visit.reference.copy(), self.parts.verify_policy, challenge=challenge
        )
        visit.challenge = challenge
        visit.face = VerificationSession(
            self.parts.camera, verifier, self.parts.workers, lambda p: self._on_progress(visit, p)
        )

    def _on_progress(self, visit: Visit, progress: Progress) -> None:
        if self._visit is not visit:
            return
        session = visit.session
        if progress.step is Step.VERIFIED:
            visit.stop_face()
            at = self.parts.now().isoformat()
            visit.evidence = {
                "face": {
                    "distance": float(progress.distance if progress.distance is not None else 0.0),
                    "threshold": float(self.parts.verify_policy.threshold),
                    "reference": "center",
                    "captured_at": at,
                },
                "liveness": {"passed": True, "challenges": [str(visit.challenge)], "completed_at": at},
            }
            self._send(ev.FaceVerified(session))
        elif progress.step is Step.FAILED:
            visit.stop_face()
            self._send(ev.FaceFailed(session, progress.code, progress.message))
        else:
            self._send(ev.FaceProgress(session, str(progress.step), progress.code, progress.message))

    def recheck_face(self, session: int) -> None:
        visit = self._current(session)
        if visit is not None:
            self._start_verification(visit)

    def stop_face(self, session: int) -> None:
        visit = self._current(session)
        if visit is not None:
            visit.stop_face()

    # -- the back end ---------------------------------------------------------------------------
    def open_session(self, session: int) -> None:
        visit = self._current(session)
        if visit is None or visit.card is None or visit.evidence is None:
            self._send(
                ev.ServiceFailed(session, Call.OPEN_SESSION, Problem.EXPIRED, "核验已超时，请重新刷卡验证")
            )
            return
        card = visit.card
        evidence = {
            "card": {"id_number": card.id_number, "name": card.name, "read_at": visit.read_at.isoformat()},
            **visit.evidence,
        }
        api = self.parts.api

        def done(visit: Visit, opened: Any) -> None:
            visit.token = opened.token
            self._send(ev.SessionOpened(visit.session, opened.member_name_masked))

        def stale(opened: Any) -> None:
            self._end_back_end_session(opened.token)

        self._run(
            visit, lambda: api.open_session(evidence), done, self._fail(session, Call.OPEN_SESSION), stale
        )

    def _token(self, session: int, call: Call) -> tuple[Visit, str] | None:
        visit = self._current(session)
        if visit is None:
            return None
        if visit.token is None:
            self._send(ev.ServiceFailed(session, call, Problem.EXPIRED, "登录已失效，请重新开始"))
            return None
        return visit, visit.token

    def load_account(self, session: int) -> None:
        held = self._token(session, Call.ACCOUNT)
        if held is None:
            return
        visit, token = held
        api = self.parts.api

        def work() -> ev.AccountLoaded:
            account = convert.account_summary(api.account(token))
            return ev.AccountLoaded(session, account, convert.movement_rows(api.transactions(token)))

        self._run(visit, work, lambda _v, loaded: self._send(loaded), self._fail(session, Call.ACCOUNT))

    def load_withdrawal_types(self, session: int) -> None:
        visit = self._current(session)
        if visit is None:
            return
        api = self.parts.api

        def work() -> ev.WithdrawalTypesLoaded:
            return ev.WithdrawalTypesLoaded(session, convert.withdrawal_options(api.withdrawal_types()))

        self._run(
            visit, work, lambda _v, loaded: self._send(loaded), self._fail(session, Call.WITHDRAWAL_TYPES)
        )

    def load_certificate(self, session: int) -> None:
        held = self._token(session, Call.CERTIFICATE)
        if held is None:
            return
        visit, token = held
        api, verifier, folder = self.parts.api, self.parts.certificates, visit.scratch.path

        def work() -> tuple[SealedCertificate, str | None]:
            certificate = api.certificate(token)
            verifier.verify(certificate.pdf)  # a refused certificate is never shown nor printed
            return certificate, _preview(certificate.pdf, folder)

        def done(visit: Visit, got: tuple[SealedCertificate, str | None]) -> None:
            visit.certificate, visit.certificate_doc = got[0], None
            self._send(ev.CertificateReady(visit.session, got[0].verification_code, got[1]))

        def failed(exc: Exception) -> None:
            if isinstance(exc, DocumentRefused):
                log.error("session %d: the certificate was refused: %s", session, exc)
                self._send(ev.ServiceFailed(session, Call.CERTIFICATE, Problem.DOCUMENT, exc.message_zh))
            else:
                self._fail(session, Call.CERTIFICATE)(exc)

        self._run(visit, work, done, failed)

    def print_certificate(self, session: int) -> None:
        visit = self._current(session)
        if visit is None or visit.certificate is None:
            return
        prints, pdf, doc = visit.prints, visit.certificate.pdf, visit.certificate_doc

        def work() -> PrintResult:
            return prints.reprint(doc) if doc is not None else prints.print_certificate(pdf)

        def done(visit: Visit, result: PrintResult) -> None:
            visit.certificate_doc = result.document_id
            self._send(
                ev.CertificatePrinted(
                    visit.session, PrintOutcome(str(result.outcome)), result.message_zh, result.can_reprint
                )
            )

        self._run(visit, work, done, self._print_failed(session))

    def _print_failed(self, session: int) -> Callable[[Exception], None]:
        def failed(exc: Exception) -> None:  # SessionPrints turns printer errors into results already
            log.error("session %d: printing failed: %r", session, exc)
            self._send(ev.CertificatePrinted(session, PrintOutcome.FAILED, "打印暂时无法完成", False))

        return failed

    def submit_withdrawal(self, session: int, draft: WithdrawalDraft) -> None:
        visit = self._current(session)
        if visit is None:
            return
        token = visit.token
        if token is None:  # cannot happen after a session was opened; say the truth if it does
            self._send(ev.SubmissionOutcome(session, SubmissionKind.NOT_RECORDED, NOT_RECORDED_ZH))
            return
        request = convert.withdrawal_request(draft)
        outbox, sender = self.parts.outbox, self.parts.sender
        visit.undecided_submissions += 1  # until the answer says otherwise (the member may leave first)

        def work() -> tuple[SubmissionKind, str, str | None, int | None, Any]:
            try:
                outcome = submit_withdrawal(outbox, sender, request, token)
            except OutboxFull:
                log.exception("session %d: the withdrawal could not be recorded", session)
                return SubmissionKind.NOT_RECORDED, NOT_RECORDED_ZH, None, None, None
            return (*convert.submission(outcome), outcome.result)

        def done(visit: Visit, got: tuple[SubmissionKind, str, str | None, int | None, Any]) -> None:
            kind, message, reference, amount, result = got
            if kind is not SubmissionKind.PENDING:  # decided (or never recorded): not waiting on the token
                visit.undecided_submissions -= 1
            if kind in (SubmissionKind.ACCEPTED, SubmissionKind.IN_REVIEW) and reference is not None:
                masked = result.get("bank_card_masked", "") if isinstance(result, dict) else ""
                title = result.get("title", "") if isinstance(result, dict) else ""
                visit.accepted = Accepted(reference, amount, str(masked), str(title))
            self._send(ev.SubmissionOutcome(visit.session, kind, message, reference, amount))

        def failed(exc: Exception) -> None:
            # Recorded or not, an unexpected error must not claim either: the outbox keeps what it holds.
            log.error("session %d: submitting failed unexpectedly: %r", session, exc)
            self._send(ev.SubmissionOutcome(session, SubmissionKind.PENDING, SUBMITTED_ZH))

        self._run(visit, work, done, failed)

    def print_receipt(self, session: int) -> None:
        visit = self._current(session)
        if visit is None or visit.accepted is None:
            return
        accepted, prints, doc = visit.accepted, visit.prints, visit.receipt_doc
        receipt = self._receipt(accepted)

        def work() -> PrintResult:
            if doc is not None:
                return prints.reprint(doc)
            return prints.print_withdrawal_receipt(
                accepted.reference, accepted.amount_fen or 0, receipt
            ).receipt

        def done(visit: Visit, result: PrintResult) -> None:
            visit.receipt_doc = result.document_id
            printed = result.outcome.value == "printed"
            note = (
                result.message_zh if printed else f"回执未能打印：{result.message_zh}。提取已提交，不受影响"
            )
            self._send(ev.ReceiptPrinted(visit.session, printed, note, result.can_reprint))

        def failed(exc: Exception) -> None:
            log.error("session %d: the receipt failed: %r", session, exc)
            self._send(ev.ReceiptPrinted(session, False, "回执未能打印。提取已提交，不受影响", False))

        self._run(visit, work, done, failed)

    def _receipt(self, accepted: Accepted) -> Receipt:
        rows = [("业务流水号", accepted.reference)]
        if accepted.type_title:
            rows.append(("提取类型", accepted.type_title))
        if accepted.amount_fen is not None:
            rows.append(("提取金额", yuan(accepted.amount_fen)))
        if accepted.bank_card_masked:
            rows.append(("收款银行卡", accepted.bank_card_masked))
        rows.append(("办理时间", self.parts.now().astimezone(CHINA).strftime("%Y-%m-%d %H:%M")))
        footer = ("办理结果将以短信通知您", self.parts.center_name)
        return Receipt("住房公积金提取回执", tuple(rows), qr=accepted.reference, footer=footer)

    def submit_rating(self, session: int, rating: Rating, comments: tuple[str, ...]) -> None:
        """The rating goes into the outbox first: one given while the back end is away is delivered
        later by the outbox's sender (the back end counts one per session reference)."""
        outbox, sender = self.parts.outbox, self.parts.sender
        body = rating_body(f"{self._boot}-{session}", str(rating), list(comments), self.parts.now())

        def work() -> None:
            sender.deliver(outbox.enqueue(RATING_KIND, RATINGS, body))

        self.parts.workers.run(
            work, lambda _state: None, lambda exc: log.warning("the rating was not recorded: %r", exc)
        )

    # -- the end --------------------------------------------------------------------------------
    def wipe(self, session: int) -> None:
        visit = self._current(session)
        if visit is None:
            return
        self._visit = None
        token = None if visit.undecided_submissions > 0 else visit.token
        visit.wipe()
        if token is not None:
            self._end_back_end_session(token)
        log.info("session %d wiped", session)

    def _end_back_end_session(self, token: str) -> None:
        api = self.parts.api
        self.parts.workers.run(
            lambda: api.end_session(token),
            lambda _none: None,
            lambda exc: log.info("the back-end session was not ended (it expires by itself): %r", exc),
        )

    def close(self) -> None:
        """The shell stops: wipe the session under way, if any."""
        if self._visit is not None:
            self.wipe(self._visit.session)


def _preview(pdf: bytes, folder: Path) -> str | None:
    """Page 1 of the certificate as a PNG in the session's temp area (poppler's pdftoppm), or None."""
    source, prefix = folder / "certificate.pdf", folder / "certificate-preview"
    source.write_bytes(pdf)
    try:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(PREVIEW_DPI),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(prefix),
            ],
            check=True,
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("no certificate preview: %r", exc)
        return None
    picture = prefix.with_suffix(".png")
    return str(picture) if picture.is_file() else None


if TYPE_CHECKING:
    _CONFORMS: type[Services] = KioskServices  # mypy holds the real services to the flow's protocol
