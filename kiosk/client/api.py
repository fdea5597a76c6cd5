"""One function per fund-center operation, returning typed results from the OpenAPI contract.

The models mirror the contract's schemas (the kiosk never imports the back end's code); a reply
that does not fit them is a :class:`~kiosk.client.errors.ServerFault`, not a crash. Withdrawals go
through the outbox (:mod:`kiosk.outbox.submit`), never straight through here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from kiosk.client import errors
from kiosk.client.policy import BACKGROUND, MEMBER
from kiosk.client.transport import BackEndClient

T = TypeVar("T")
RATINGS = "v1/ratings"


def rating_body(session_ref: str, level: str, comments: list[str], rated_at: dt.datetime) -> dict[str, Any]:
    """What ``POST v1/ratings`` takes (the shell keeps it in the outbox until it is delivered)."""
    return {
        "session_ref": session_ref,
        "level": level,
        "comments": comments,
        "rated_at": rated_at.isoformat(),
    }


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class MemberSession(_Model):
    token: str
    expires_at: dt.datetime
    expires_in: int
    member_name_masked: str


class Account(_Model):
    name: str
    id_number: str
    personal_account: str
    employer_name: str
    unit_account: str
    open_date: dt.date
    status: str
    sealed_since: dt.date | None
    contribution_base_fen: int
    employer_rate_bp: int
    personal_rate_bp: int
    monthly_amount_fen: int
    paid_up_to: str
    balance_fen: int
    loan_status: str
    bank_card_last4: str | None


class Movement(_Model):
    kind: str
    amount_fen: int
    balance_after_fen: int
    booked_at: dt.datetime
    period: str | None
    memo: str


class RequiredDocument(_Model):
    code: str
    title: str


class WithdrawalType(_Model):
    code: str
    title: str
    basis: str
    documents: list[RequiredDocument]
    closes_account: bool
    approval: str


class KeyStatus(_Model):
    key: str
    state: str
    response_status: int | None
    response: Any = None


class Enrolled(_Model):
    device_id: str
    certificate_pem: str
    ca_certificate_pem: str
    not_after: dt.datetime


class ReferenceFace(_Model):
    model: str
    encoding: list[float]


class RatingAck(_Model):
    id: int
    session_ref: str
    level: str


@dataclass(frozen=True, slots=True)
class SealedCertificate:
    pdf: bytes
    verification_code: str


def _parse(kind: type[T], body: Any, what: str) -> T:
    try:
        return TypeAdapter(kind).validate_python(body)
    except ValidationError as exc:
        raise errors.ServerFault(
            f"{what}: the answer does not fit the contract: {exc.error_count()} errors"
        ) from exc


class FundCenterApi:
    def __init__(self, client: BackEndClient) -> None:
        self.client = client

    def open_session(self, evidence: dict[str, Any]) -> MemberSession:
        """Card, face and liveness evidence in; a short-lived token bound to this kiosk and member out."""
        reply = self.client.request("POST", "v1/sessions", body=evidence, policy=MEMBER)
        return _parse(MemberSession, reply.body, "session")

    def end_session(self, token: str) -> None:
        self.client.request("DELETE", "v1/sessions/current", session_token=token, policy=MEMBER)

    def account(self, token: str) -> Account:
        return _parse(Account, self.client.request("GET", "v1/account", session_token=token).body, "account")

    def transactions(self, token: str) -> list[Movement]:
        reply = self.client.request("GET", "v1/account/transactions", session_token=token, policy=MEMBER)
        return _parse(list[Movement], reply.body, "transactions")

    def withdrawal_types(self) -> list[WithdrawalType]:
        reply = self.client.request("GET", "v1/withdrawal-types", policy=MEMBER)
        return _parse(list[WithdrawalType], reply.body, "withdrawal types")

    def withdrawal_status(self, key: str) -> KeyStatus | None:
        """What became of the withdrawal sent under ``key``; None when the back end never saw it."""
        try:
            reply = self.client.request("GET", f"v1/withdrawals/by-key/{key}", policy=BACKGROUND)
        except errors.RefusedByRule as exc:
            if exc.status == 404:
                return None
            raise
        return _parse(KeyStatus, reply.body, "withdrawal status")

    def certificate(self, token: str) -> SealedCertificate:
        """The sealed deposit certificate; check its seal (kiosk.documents) before printing it."""
        reply = self.client.request("POST", "v1/certificates", session_token=token, policy=MEMBER)
        code = reply.headers.get("X-Verification-Code") or reply.headers.get("x-verification-code")
        if not isinstance(reply.body, bytes) or not reply.body.startswith(b"%PDF") or not code:
            raise errors.ServerFault("certificate: the answer is not a PDF with its verification code")
        return SealedCertificate(reply.body, code)

    def reference_face(self, card: dict[str, Any]) -> ReferenceFace:
        reply = self.client.request("POST", "v1/reference-faces", body=card, policy=MEMBER)
        return _parse(ReferenceFace, reply.body, "reference face")

    def submit_rating(
        self, session_ref: str, level: str, comments: list[str], rated_at: dt.datetime
    ) -> RatingAck:
        """An anonymous service rating (好差评) for this kiosk's session ``session_ref``; a repeat for the
        same reference is answered with the stored one, so a retry never counts twice."""
        body = rating_body(session_ref, level, comments, rated_at)
        reply = self.client.request("POST", RATINGS, body=body, policy=BACKGROUND)
        return _parse(RatingAck, reply.body, "rating")

    def enrol(self, device_id: str, token: str, csr_pem: str) -> Enrolled:
        body = {"device_id": device_id, "token": token, "csr_pem": csr_pem}
        # Enrolment spends a one-time token: it is not repeated blindly (POST without a key).
        reply = self.client.request("POST", "v1/devices/enrol", body=body, policy=BACKGROUND)
        return _parse(Enrolled, reply.body, "enrolment")
