"""The verification evidence a kiosk sends, and the checks the back end makes of it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from fundcenter import idnumber
from fundcenter.errors import ApiError, Code
from fundcenter.settings import Settings
from fundcenter.wire import Timestamp


class CardEvidence(BaseModel):
    id_number: str = Field(pattern=r"^\d{17}[\dX]$", examples=["371302198806120029"])
    name: str = Field(min_length=1, max_length=64)
    read_at: Timestamp


class FaceEvidence(BaseModel):
    distance: float = Field(
        ge=0, le=2, strict=True, description="face_recognition distance to the reference face"
    )
    threshold: float = Field(gt=0, le=1, strict=True, description="the threshold the kiosk applied")
    reference: str = Field(default="center", pattern="^(center|chip)$", description="which face it compared")
    captured_at: Timestamp


class LivenessEvidence(BaseModel):
    passed: bool = Field(strict=True)
    challenges: list[str] = Field(default_factory=list, max_length=8, examples=[["blink", "turn_left"]])
    completed_at: Timestamp


class Evidence(BaseModel):
    card: CardEvidence
    face: FaceEvidence
    liveness: LivenessEvidence


def refuse(reason: str, message: str) -> ApiError:
    return ApiError(Code.EVIDENCE_REJECTED, message, {"reason": reason})


def check(evidence: Evidence, settings: Settings, now: dt.datetime) -> None:
    """Raise ``evidence_rejected`` (with a reason) unless the evidence shows a fresh, live match."""
    if not idnumber.is_valid(evidence.card.id_number):
        raise ApiError(Code.ID_NUMBER_INVALID)
    face = evidence.face
    if face.threshold > settings.max_face_threshold:
        raise refuse("threshold_too_loose", "终端人脸比对阈值不符合中心要求")
    if face.distance > face.threshold:
        raise refuse("face_mismatch", "人脸比对未通过")
    if not evidence.liveness.passed:
        raise refuse("liveness_failed", "活体检测未通过")
    skew = dt.timedelta(seconds=settings.clock_skew_s)
    oldest = now - dt.timedelta(seconds=settings.evidence_max_age_s)
    for stamp in (evidence.card.read_at, face.captured_at, evidence.liveness.completed_at):
        if stamp > now + skew:
            raise refuse("clock_ahead", "终端时间不正确，请联系管理员")
        if stamp < oldest:
            raise refuse("evidence_stale", "核验已超时，请重新刷卡验证")
