"""Member sessions: verification evidence in, a short-lived token bound to device and member out."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from fundcenter import masking
from fundcenter.context import Context, context
from fundcenter.devices.identity import AUTH_ERRORS, current_device
from fundcenter.errors import Code, responses
from fundcenter.models import Device
from fundcenter.sessions.evidence import Evidence
from fundcenter.sessions.service import Authorised, end_session, member_session, open_session

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])
DEVICE_ERRORS = AUTH_ERRORS
SESSION_ERRORS = (
    *DEVICE_ERRORS,
    Code.SESSION_MISSING,
    Code.SESSION_INVALID,
    Code.SESSION_EXPIRED,
    Code.SESSION_WRONG_DEVICE,
)


class SessionIssued(BaseModel):
    token: str
    token_type: str = "Bearer"  # noqa: S105 (a scheme name)
    expires_at: dt.datetime
    expires_in: int
    member_name_masked: str


@router.post(
    "",
    status_code=201,
    responses=responses(
        *DEVICE_ERRORS,
        Code.EVIDENCE_REJECTED,
        Code.ID_NUMBER_INVALID,
        Code.MEMBER_NOT_FOUND,
        Code.INVALID_REQUEST,
    ),
)
def create_session(
    evidence: Evidence,
    device: Device = Depends(current_device),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> SessionIssued:
    """Open a member session after the kiosk verified card, face and liveness."""
    issued = open_session(ctx, device, evidence)
    return SessionIssued(
        token=issued.token,
        expires_at=issued.expires_at,
        expires_in=ctx.settings.session_ttl_s,
        member_name_masked=masking.name(issued.member.name),
    )


@router.delete("/current", status_code=204, responses=responses(*SESSION_ERRORS))
def delete_session(
    auth: Authorised = Depends(member_session),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> Response:
    """End the session now (the member left, cancelled, or took the card)."""
    end_session(ctx, auth)
    return Response(status_code=204)
