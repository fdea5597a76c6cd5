"""Register a kiosk, enrol it with a one-time token and a CSR, revoke it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from sqlalchemy import Engine, select, update

from fundcenter import keys
from fundcenter.db import reading, writing
from fundcenter.devices import ca
from fundcenter.errors import ApiError, Code
from fundcenter.models import Device, MemberSession

log = logging.getLogger(__name__)
DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    certificate_pem: str
    ca_certificate_pem: str
    not_after: dt.datetime


def register(engine: Engine, device_id: str, location: str, now: dt.datetime, ttl: dt.timedelta) -> str:
    """Create the device (or re-issue for an existing one) and return its one-time enrolment token."""
    if not DEVICE_ID.match(device_id):
        raise ValueError(f"device id must match {DEVICE_ID.pattern}")
    token = secrets.token_urlsafe(24)
    with writing(engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            device = Device(id=device_id, location=location, status="pending", created_at=now)
            session.add(device)
        elif location:
            device.location = location
        device.enrolment_token_hash = token_hash(token)
        device.enrolment_token_expires_at = now + ttl
        device.enrolment_token_used_at = None
    log.info("enrolment token issued for %s", device_id)
    return token


def enrol(
    engine: Engine,
    authority: keys.KeyPair,
    *,
    device_id: str,
    token: str,
    csr_pem: str,
    now: dt.datetime,
    days: int,
) -> Enrolled:
    with writing(engine) as session:
        device = session.get(Device, device_id)
        if device is None or device.enrolment_token_hash is None:
            raise ApiError(Code.ENROLMENT_TOKEN_INVALID)
        if not hmac.compare_digest(device.enrolment_token_hash, token_hash(token)):
            raise ApiError(Code.ENROLMENT_TOKEN_INVALID)
        if device.enrolment_token_used_at is not None:
            raise ApiError(Code.ENROLMENT_TOKEN_USED)
        if device.enrolment_token_expires_at is None or device.enrolment_token_expires_at <= now:
            raise ApiError(Code.ENROLMENT_TOKEN_EXPIRED)
        try:
            certificate = ca.sign_csr(authority, csr_pem, device_id, now, days)
        except ca.CsrError as exc:
            raise ApiError(Code.CSR_INVALID, detail={"reason": str(exc)}) from exc
        # Consume the token atomically: only one enrolment can flip it from unused to used.
        consumed = session.execute(
            update(Device)
            .where(Device.id == device_id, Device.enrolment_token_used_at.is_(None))
            .values(enrolment_token_used_at=now)
            .execution_options(synchronize_session=False)
        )
        if consumed.rowcount != 1:  # type: ignore[attr-defined]
            raise ApiError(Code.ENROLMENT_TOKEN_USED)
        pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
        session.execute(
            update(Device)
            .where(Device.id == device_id)
            .values(
                status="active",
                certificate_pem=pem,
                certificate_serial=f"{certificate.serial_number:x}",
                spki_sha256=ca.spki_sha256(certificate),
                enrolled_at=now,
                revoked_at=None,
                revocation_reason=None,
            )
            .execution_options(synchronize_session=False)
        )
    log.info("device %s enrolled, certificate serial %x", device_id, certificate.serial_number)
    return Enrolled(device_id, pem, authority.certificate_pem(), certificate.not_valid_after_utc)


def revoke(engine: Engine, device_id: str, reason: str, now: dt.datetime) -> bool:
    """Revoke a device: its certificate stops being accepted and its open sessions end."""
    with writing(engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            return False
        device.status = "revoked"
        device.revoked_at = now
        device.revocation_reason = reason
        device.enrolment_token_hash = None
        session.execute(
            update(MemberSession)
            .where(MemberSession.device_id == device_id, MemberSession.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session=False)
        )
    log.info("device %s revoked: %s", device_id, reason)
    return True


def list_devices(engine: Engine) -> list[Device]:
    with reading(engine) as session:
        return list(session.scalars(select(Device).order_by(Device.id)))
