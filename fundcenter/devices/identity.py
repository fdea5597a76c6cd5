"""Which kiosk sent a request.

Today a request names its device in the ``X-Device-Id`` header and proves nothing more (the session
token it carries is bound to that device). Stronger proofs plug in here without touching the routes:
the mutual-TLS client certificate (its SPKI hash is stored at enrolment, ``Device.spki_sha256``) and
RFC 9421 HTTP Message Signatures made with the same key arrive with issue 6; each is one more
``Identifier`` that returns the device id it has verified, or raises ``ApiError``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import Depends, Request
from sqlalchemy import select

from fundcenter.context import Context, context
from fundcenter.db import reading
from fundcenter.errors import ApiError, Code
from fundcenter.models import Device

DEVICE_HEADER = "X-Device-Id"
Identifier = Callable[[Request], str | None]


def header_identifier(request: Request) -> str | None:
    value = request.headers.get(DEVICE_HEADER)
    return value.strip() or None if value else None


IDENTIFIERS: Sequence[Identifier] = (header_identifier,)


def identify(request: Request) -> str:
    for identifier in IDENTIFIERS:
        device_id = identifier(request)
        if device_id:
            return device_id
    raise ApiError(Code.DEVICE_MISSING)


def check_device(ctx: Context, device_id: str) -> Device:
    with reading(ctx.engine) as session:
        device = session.scalars(select(Device).where(Device.id == device_id)).one_or_none()
    if device is None:
        raise ApiError(Code.DEVICE_UNKNOWN)
    if device.status == "revoked":
        raise ApiError(Code.DEVICE_REVOKED)
    if device.status != "active":
        raise ApiError(Code.DEVICE_NOT_ENROLLED)
    return device


def current_device(request: Request, ctx: Context = Depends(context)) -> Device:  # noqa: B008
    """FastAPI dependency: the enrolled, unrevoked device that sent this request."""
    return check_device(ctx, identify(request))
