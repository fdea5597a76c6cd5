"""Which kiosk sent a request, and the proofs that it did.

A request names its device in ``X-Device-Id``. The device must be enrolled and not revoked; then:

- **Mutual TLS** (``fundcenter serve --tls-cert ...``): the client certificate of the connection
  (handed to the app by :mod:`fundcenter.devices.tls` as the ASGI ``tls`` extension) must carry the
  key enrolled for that device (``Device.spki_sha256``); a device route over TLS without one is refused.
- **RFC 9421 signature** with the same key (:mod:`fundcenter.devices.signatures`): required unless the
  server runs with ``require_signatures`` off (development); a signed request is verified either way.
  Behind a TLS-terminating proxy the connection proves nothing and the signature alone identifies the
  device.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fastapi import Depends, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from fundcenter.context import Context, context
from fundcenter.db import reading
from fundcenter.devices.signatures import Presented, verify
from fundcenter.errors import ApiError, Code
from fundcenter.models import Device

DEVICE_HEADER = "X-Device-Id"
# Every refusal a device route may answer with before its own logic runs (for the OpenAPI document).
AUTH_ERRORS = (
    Code.DEVICE_MISSING,
    Code.DEVICE_UNKNOWN,
    Code.DEVICE_NOT_ENROLLED,
    Code.DEVICE_REVOKED,
    Code.DEVICE_CERTIFICATE_MISSING,
    Code.DEVICE_CERTIFICATE_MISMATCH,
    Code.SIGNATURE_MISSING,
    Code.SIGNATURE_INVALID,
    Code.SIGNATURE_EXPIRED,
    Code.SIGNATURE_REPLAYED,
    Code.CONTENT_DIGEST_MISMATCH,
)


class KnownDevice(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def certificate_pem(self) -> str | None: ...
    @property
    def spki_sha256(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Arrival:
    """A request with what its connection proved: the client certificate of a TLS connection."""

    request: Presented
    tls: bool  # the connection itself was TLS (not a proxy's plain hop)
    client_certificate_pem: str | None


def header_identifier(request: Request) -> str | None:
    value = request.headers.get(DEVICE_HEADER)
    return value.strip() or None if value else None


def identify(request: Request) -> str:
    device_id = header_identifier(request)
    if not device_id:
        raise ApiError(Code.DEVICE_MISSING)
    return device_id


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


def spki_sha256_of(certificate_pem: str) -> str:
    spki = (
        x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return hashlib.sha256(spki).hexdigest()


def prove(ctx: Context, device: KnownDevice, arrival: Arrival) -> None:
    """The connection's certificate and the request's signature both belong to ``device``."""
    if arrival.tls:
        if arrival.client_certificate_pem is None:
            raise ApiError(Code.DEVICE_CERTIFICATE_MISSING)
        if device.spki_sha256 is None or spki_sha256_of(arrival.client_certificate_pem) != device.spki_sha256:
            raise ApiError(Code.DEVICE_CERTIFICATE_MISMATCH)
    signed = verify(
        arrival.request,
        device_id=device.id,
        certificate_pem=device.certificate_pem,
        now=int(ctx.now().timestamp()),
        window_s=ctx.settings.signature_window_s,
        nonces=ctx.nonces,
    )
    if signed is None and ctx.settings.require_signatures:
        raise ApiError(Code.SIGNATURE_MISSING)


async def arrival(request: Request) -> Arrival:
    """The request as received (the body read once; FastAPI parses the same cached bytes)."""
    body = await request.body()
    url = request.url
    presented = Presented(
        method=request.method,
        scheme=url.scheme,
        authority=url.netloc,
        path=request.scope.get("raw_path", url.path.encode()).decode("latin-1") or "/",
        query=url.query,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
    )
    tls: dict[str, Any] | None = request.scope.get("extensions", {}).get("tls")
    chain = tls.get("client_cert_chain") if tls else None
    return Arrival(presented, tls is not None, chain[0] if chain else None)


def authenticate(ctx: Context, device_id: str, arrived: Arrival) -> Device:
    device = check_device(ctx, device_id)
    prove(ctx, device, arrived)
    return device


async def current_device(
    request: Request,
    ctx: Context = Depends(context),  # noqa: B008
    arrived: Arrival = Depends(arrival),  # noqa: B008
) -> Device:
    """FastAPI dependency: the enrolled, unrevoked device that sent (and signed) this request."""
    return await run_in_threadpool(authenticate, ctx, identify(request), arrived)
