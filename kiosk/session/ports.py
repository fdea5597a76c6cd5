"""What the flow asks of the world. The flow calls these on the UI thread; none may block. Each does its
work elsewhere (a worker, the camera) and answers later by handing an event to the flow (in the app,
through ``Clock.schedule_once``), naming the ``session`` it was asked for.

The real implementation is :class:`kiosk.session.services.KioskServices`; the flow tests use a
recording fake that answers when the test says so.
"""

from __future__ import annotations

from typing import Protocol

from drivers.idcard.carddata import CardRecord
from kiosk.session.data import WithdrawalDraft
from kiosk.session.states import Rating


class Services(Protocol):
    def start_face(self, session: int, card: CardRecord) -> None:
        """A new member: keep ``card`` for this session, get the reference face for it and start the
        camera verification (liveness included).

        Answers: :class:`FaceProgress` (any number), then :class:`FaceVerified` or :class:`FaceFailed`."""

    def recheck_face(self, session: int) -> None:
        """The second look before money moves: the same reference, a fresh verification.

        Answers as :meth:`start_face`."""

    def stop_face(self, session: int) -> None:
        """Stop the camera verification (back, exit, a removed card); no answer."""

    def open_session(self, session: int) -> None:
        """Open the back end's member session with the card, face and liveness evidence.

        Answers: :class:`SessionOpened` or :class:`ServiceFailed` (call OPEN_SESSION)."""

    def load_account(self, session: int) -> None:
        """Answers: :class:`AccountLoaded` or :class:`ServiceFailed` (call ACCOUNT)."""

    def load_certificate(self, session: int) -> None:
        """Get the sealed certificate and check its seal; keep it in the session for printing.

        Answers: :class:`CertificateReady` or :class:`ServiceFailed` (call CERTIFICATE)."""

    def print_certificate(self, session: int) -> None:
        """Print the certificate held for this session (again, after a failure).

        Answers: :class:`CertificatePrinted`."""

    def load_withdrawal_types(self, session: int) -> None:
        """Answers: :class:`WithdrawalTypesLoaded` or :class:`ServiceFailed` (call WITHDRAWAL_TYPES)."""

    def submit_withdrawal(self, session: int, draft: WithdrawalDraft) -> None:
        """Record the withdrawal in the outbox, then one quick try while the member waits.

        Answers: exactly one :class:`SubmissionOutcome` (never a ServiceFailed: the outbox always
        leaves a true sentence)."""

    def print_receipt(self, session: int) -> None:
        """Print the receipt of the accepted withdrawal of this session (again, after a failure).

        Answers: :class:`ReceiptPrinted`."""

    def submit_rating(self, session: int, rating: Rating, comments: tuple[str, ...]) -> None:
        """Store the rating anonymously (device + session id only); no answer, failures are logged."""

    def wipe(self, session: int) -> None:
        """The session has ended (any reason): end the back-end session, stop the camera, forget the
        card, face, tokens and documents, and remove the session's temp area. Never blocks; answers
        nothing, and any answer still in flight for ``session`` is ignored by the flow."""
