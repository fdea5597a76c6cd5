"""Service ratings (好差评): a kiosk sends the member's rating at the end of a session.

Anonymous by design: the record names the kiosk and the kiosk's own random reference for the session,
never the member, the ID number or the back end's member session. A repeat for the same reference is
answered with the stored rating (a kiosk may retry), never stored twice.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from fundcenter.context import Context, context
from fundcenter.db import writing
from fundcenter.devices.identity import current_device
from fundcenter.errors import Code, responses
from fundcenter.models import Device, Rating
from fundcenter.routes.sessions import DEVICE_ERRORS
from fundcenter.wire import Timestamp

router = APIRouter(tags=["ratings"])
Level = Literal["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]


class RatingIn(BaseModel):
    session_ref: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="the kiosk's session reference"
    )
    level: Level = Field(description="非常满意 … 非常不满意")
    comments: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=8, description="comment presets ticked"
    )
    rated_at: Timestamp


class RatingOut(BaseModel):
    id: int
    session_ref: str
    level: Level
    comments: list[str]
    rated_at: dt.datetime
    received_at: dt.datetime


def _out(rating: Rating) -> RatingOut:
    return RatingOut(
        id=rating.id,
        session_ref=rating.session_ref,
        level=rating.level,  # stored from a validated Level
        comments=json.loads(rating.comments),
        rated_at=rating.rated_at,
        received_at=rating.received_at,
    )


@router.post(
    "/v1/ratings",
    status_code=201,
    response_model=RatingOut,
    responses={
        200: {"model": RatingOut, "description": "this session was rated already: the stored rating"},
        **responses(*DEVICE_ERRORS, Code.INVALID_REQUEST),
    },
)
def create_rating(
    body: RatingIn,
    device: Device = Depends(current_device),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> JSONResponse:
    """Store one rating for a kiosk session (201); the same session again returns the stored one (200)."""
    with writing(ctx.engine) as db:
        found = db.scalars(
            select(Rating).where(Rating.device_id == device.id, Rating.session_ref == body.session_ref)
        ).first()
        if found is not None:
            return JSONResponse(_out(found).model_dump(mode="json"), status_code=200)
        rating = Rating(
            device_id=device.id,
            session_ref=body.session_ref,
            level=body.level,
            comments=json.dumps(body.comments, ensure_ascii=False),
            rated_at=body.rated_at,
            received_at=ctx.now(),
        )
        db.add(rating)
        db.flush()
        return JSONResponse(_out(rating).model_dump(mode="json"), status_code=201)
