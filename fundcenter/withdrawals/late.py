"""Late outbox items: a withdrawal the member confirmed while the session was valid, delivered after it.

A kiosk's outbox may first get a withdrawal through after the member's 5-minute session has expired
(or after the kiosk ended it when the member left). At the moment the member confirms, the kiosk signs
with its device key the statement ``fund-kiosk-submission/1 \\n device \\n Idempotency-Key \\n
submitted_at (epoch s) \\n Content-Digest`` and sends it with every delivery (``X-Submitted-At``,
``X-Submission-Signature``: ``:base64(r || s):``, ecdsa-p256-sha256 as in RFC 9421).

For ``POST /v1/withdrawals`` only, and only when the session itself refuses (expired or ended), the
back end checks the statement with the key of the device's certificate, for this body and this key;
the withdrawal is then decided if ``submitted_at`` lay inside the session's validity and the session
belongs to that device. A forged, altered or future statement is ``submission_proof_invalid``; one
outside the session keeps ``session_expired``. Every other operation needs a live session.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from fundcenter.context import Context
from fundcenter.devices.signatures import certificate_key, content_digest, verify_raw_p256
from fundcenter.errors import ApiError, Code
from fundcenter.models import Device
from fundcenter.sessions.service import Authorised, authorise

CONTEXT = "fund-kiosk-submission/1"
SUBMITTED_AT = "X-Submitted-At"
SIGNATURE = "X-Submission-Signature"


def statement(device_id: str, key: str, submitted_at: int, digest: str) -> bytes:
    return f"{CONTEXT}\n{device_id}\n{key}\n{submitted_at}\n{digest}".encode()


@dataclass(frozen=True, slots=True)
class Proof:
    submitted_at: int | None
    signature: str | None
    body: bytes  # as received: the statement binds its Content-Digest


def confirmed_at(device: Device, key: str, proof: Proof, now: dt.datetime, skew_s: int) -> dt.datetime | None:
    """When the device proves the member confirmed this withdrawal; None when it brings no proof."""
    if proof.submitted_at is None and proof.signature is None:
        return None
    invalid = ApiError(Code.SUBMISSION_PROOF_INVALID)
    value = proof.signature or ""
    if proof.submitted_at is None or not (value.startswith(":") and value.endswith(":")):
        raise invalid
    try:
        raw = base64.b64decode(value.strip(":"), validate=True)
    except binascii.Error:
        raise invalid from None
    public = certificate_key(device.certificate_pem) if device.certificate_pem else None
    signed = statement(device.id, key, proof.submitted_at, content_digest(proof.body))
    if public is None or not verify_raw_p256(public, raw, signed):
        raise invalid
    when = dt.datetime.fromtimestamp(proof.submitted_at, dt.UTC)
    if when > now + dt.timedelta(seconds=skew_s):  # a confirmation from the future proves nothing
        raise ApiError(Code.SUBMISSION_PROOF_INVALID, detail={"reason": "submitted_at is in the future"})
    return when


def authorise_submission(ctx: Context, device: Device, token: str, key: str, proof: Proof) -> Authorised:
    """The member session of a withdrawal: live now, or live when the device proves it was confirmed."""
    try:
        return authorise(ctx, device, token)
    except ApiError as refused:
        if refused.code not in (Code.SESSION_EXPIRED, Code.SESSION_INVALID):
            raise
        confirmed = confirmed_at(device, key, proof, ctx.now(), ctx.settings.clock_skew_s)
        if confirmed is None:
            raise
    return authorise(ctx, device, token, confirmed_at=confirmed)
