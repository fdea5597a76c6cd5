"""Open, check and end member sessions. The token is random; only its SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy import select, update

from fundcenter import masking
from fundcenter.context import Context, context
from fundcenter.db import reading, writing
from fundcenter.devices.identity import current_device
from fundcenter.errors import ApiError, Code
from fundcenter.models import Device, Member, MemberSession
from fundcenter.sessions.evidence import Evidence, check

log = logging.getLogger(__name__)
BEARER = "bearer "


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: dt.datetime
    member: Member


@dataclass(frozen=True)
class Authorised:
    """A request from an enrolled device on behalf of a verified member."""

    device: Device
    member: Member
    session: MemberSession


def open_session(ctx: Context, device: Device, evidence: Evidence) -> Issued:
    now = ctx.now()
    check(evidence, ctx.settings, now)
    with writing(ctx.engine) as session:
        member = session.scalars(
            select(Member).where(Member.id_number == evidence.card.id_number)
        ).one_or_none()
        if member is None:
            raise ApiError(Code.MEMBER_NOT_FOUND)
        if member.name != evidence.card.name.strip():
            raise ApiError(Code.EVIDENCE_REJECTED, "身份证信息与账户不一致", {"reason": "card_mismatch"})
        token = secrets.token_urlsafe(32)
        expires = now + dt.timedelta(seconds=ctx.settings.session_ttl_s)
        session.add(
            MemberSession(
                token_hash=_hash(token),
                device_id=device.id,
                member_id=member.id,
                issued_at=now,
                expires_at=expires,
                evidence=evidence.model_dump_json(),
            )
        )
    log.info("session opened for %s on %s", masking.id_number(member.id_number), device.id)
    return Issued(token, expires, member)


def bearer_token(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith(BEARER) or not header[len(BEARER) :].strip():
        raise ApiError(Code.SESSION_MISSING)
    return header[len(BEARER) :].strip()


def authorise(
    ctx: Context, device: Device, token: str, *, confirmed_at: dt.datetime | None = None
) -> Authorised:
    """The live session behind ``token``; or, with ``confirmed_at`` (a device-proven time, for late
    outbox withdrawals only), the session that was live at that time, even if it has ended since."""
    with reading(ctx.engine) as session:
        found = session.get(MemberSession, _hash(token))
        if found is None or not hmac.compare_digest(found.token_hash, _hash(token)):
            raise ApiError(Code.SESSION_INVALID)
        if found.device_id != device.id:
            log.warning("session of %s presented by %s", found.device_id, device.id)
            raise ApiError(Code.SESSION_WRONG_DEVICE)
        if confirmed_at is not None:
            # The proof counts whole seconds: the second a session opens counts in, the second it
            # closes (expiry or end) counts out.
            closed = min(found.expires_at, found.ended_at or found.expires_at).replace(microsecond=0)
            opened = found.issued_at.replace(microsecond=0)
            if not opened <= confirmed_at < closed:
                detail = {"reason": "confirmed_outside_session", "submitted_at": confirmed_at.isoformat()}
                raise ApiError(Code.SESSION_EXPIRED, detail=detail)
        elif found.ended_at is not None:
            raise ApiError(Code.SESSION_INVALID)
        elif found.expires_at <= ctx.now():
            raise ApiError(Code.SESSION_EXPIRED)
        member = session.get(Member, found.member_id)
    if member is None:  # members are never deleted; kept for the type checker
        raise ApiError(Code.SESSION_INVALID)
    return Authorised(device, member, found)


def end_session(ctx: Context, auth: Authorised) -> None:
    with writing(ctx.engine) as session:
        session.execute(
            update(MemberSession)
            .where(MemberSession.token_hash == auth.session.token_hash)
            .values(ended_at=ctx.now())
            .execution_options(synchronize_session=False)
        )


def member_session(
    request: Request,
    device: Device = Depends(current_device),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> Authorised:
    """FastAPI dependency for every member call: the device and its proofs first, then the session."""
    return authorise(ctx, device, bearer_token(request))
