"""The member's reference face, for the kiosk's face comparison before any session exists.

The chip photo of a resident ID card is WLT-encoded and needs the reader vendor's licensed decoder, so
a kiosk without one compares the live face with the reference the center holds. It asks with what the
card says (ID number and name must agree with the account) from an enrolled device; the answer is a
128-number encoding, not a photo.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from fundcenter import idnumber, masking
from fundcenter.context import Context, context
from fundcenter.db import reading
from fundcenter.devices.identity import current_device
from fundcenter.errors import ApiError, Code, responses
from fundcenter.models import Device, Member
from fundcenter.routes.sessions import DEVICE_ERRORS
from fundcenter.sessions.evidence import CardEvidence

router = APIRouter(prefix="/v1/reference-faces", tags=["sessions"])
MODEL = "dlib_face_recognition_resnet_model_v1"
log = logging.getLogger(__name__)


class ReferenceFace(BaseModel):
    model: str = Field(description="the encoder the numbers come from (face_recognition 1.3)")
    encoding: list[float] = Field(min_length=128, max_length=128)


@router.post(
    "",
    responses=responses(
        *DEVICE_ERRORS,
        Code.ID_NUMBER_INVALID,
        Code.MEMBER_NOT_FOUND,
        Code.EVIDENCE_REJECTED,
        Code.REFERENCE_FACE_MISSING,
    ),
)
def reference_face(
    card: CardEvidence,
    device: Device = Depends(current_device),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> ReferenceFace:
    """The reference face encoding of the member whose card was just read."""
    if not idnumber.is_valid(card.id_number):
        raise ApiError(Code.ID_NUMBER_INVALID)
    with reading(ctx.engine) as session:
        member = session.scalars(select(Member).where(Member.id_number == card.id_number)).one_or_none()
    if member is None:
        raise ApiError(Code.MEMBER_NOT_FOUND)
    if member.name != card.name.strip():
        raise ApiError(Code.EVIDENCE_REJECTED, "身份证信息与账户不一致", {"reason": "card_mismatch"})
    if not member.reference_encoding:
        raise ApiError(Code.REFERENCE_FACE_MISSING)
    log.info("reference face of %s sent to %s", masking.id_number(member.id_number), device.id)
    return ReferenceFace(model=MODEL, encoding=json.loads(member.reference_encoding))
