"""Device routes: the CA certificate, enrolment (CSR in, certificate out)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from fundcenter.context import Context, context
from fundcenter.devices import enrolment
from fundcenter.errors import Code, responses

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
