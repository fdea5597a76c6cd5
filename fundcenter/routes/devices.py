"""Device routes: the CA certificate, enrolment (CSR in, certificate out), a kiosk's public record."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Path
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from fundcenter.context import Context, context
from fundcenter.db import reading
from fundcenter.devices import enrolment
from fundcenter.errors import ApiError, Code, responses
from fundcenter.models import Device

router = APIRouter(prefix="/v1/devices", tags=["devices"])


class EnrolmentRequest(BaseModel):
    device_id: str = Field(pattern=enrolment.DEVICE_ID.pattern, examples=["KIOSK-0001"])
    token: str = Field(min_length=8, max_length=128, description="the one-time token the center issued")
    csr_pem: str = Field(max_length=16384, description="PKCS#10 request for the device's own key (PEM)")


class EnrolmentResponse(BaseModel):
    device_id: str
    certificate_pem: str
    ca_certificate_pem: str = Field(description="the device CA: the back end's trust anchor for devices")
    not_after: dt.datetime


@router.get(
    "/ca.pem",
    response_class=PlainTextResponse,
    responses={200: {"content": {"application/x-pem-file": {}}}},
)
def device_ca(ctx: Context = Depends(context)) -> PlainTextResponse:  # noqa: B008
    """The certificate of the device CA that signs every kiosk's client certificate."""
    return PlainTextResponse(ctx.device_ca.certificate_pem(), media_type="application/x-pem-file")


@router.post(
    "/enrol",
    responses=responses(
        Code.ENROLMENT_TOKEN_INVALID,
        Code.ENROLMENT_TOKEN_USED,
        Code.ENROLMENT_TOKEN_EXPIRED,
        Code.CSR_INVALID,
        Code.INVALID_REQUEST,
    ),
)
def enrol(body: EnrolmentRequest, ctx: Context = Depends(context)) -> EnrolmentResponse:  # noqa: B008
    """Enrol a kiosk: the one-time token proves the technician's authority, the CSR carries the key."""
    done = enrolment.enrol(
        ctx.engine,
        ctx.device_ca,
        device_id=body.device_id,
        token=body.token,
        csr_pem=body.csr_pem,
        now=ctx.now(),
        days=ctx.settings.device_certificate_days,
    )
    return EnrolmentResponse(
        device_id=done.device_id,
        certificate_pem=done.certificate_pem,
        ca_certificate_pem=done.ca_certificate_pem,
        not_after=done.not_after,
    )


class DeviceRecord(BaseModel):
    """What anyone may know of a kiosk (the installation report's QR code opens this): no keys, no
    tokens, no people."""

    device_id: str
    location: str
    status: str = Field(description="pending, active or revoked")
    enrolled_at: dt.datetime | None
    certificate_serial: str | None = Field(description="hex serial of the device certificate")
    spki_sha256: str | None = Field(description="hex SHA-256 of the device key (SubjectPublicKeyInfo)")
    revoked_at: dt.datetime | None


@router.get("/{device_id}/record", responses=responses(Code.NOT_FOUND))
def device_record(
    device_id: str = Path(pattern=enrolment.DEVICE_ID.pattern),
    ctx: Context = Depends(context),  # noqa: B008
) -> DeviceRecord:
    """A kiosk's public record: where it stands, whether it is enrolled, which certificate it holds."""
    with reading(ctx.engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            raise ApiError(Code.NOT_FOUND, detail={"device_id": device_id})
        return DeviceRecord(
            device_id=device.id,
            location=device.location,
            status=device.status,
            enrolled_at=device.enrolled_at,
            certificate_serial=device.certificate_serial,
            spki_sha256=device.spki_sha256,
            revoked_at=device.revoked_at,
        )
