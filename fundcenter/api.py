"""The reference back end's HTTP application (FastAPI). The OpenAPI document is the contract."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Response, status
from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from fundcenter import __version__, errors
from fundcenter.context import Clock, Context, utc_now
from fundcenter.routes import (
    account,
    certificates,
    devices,
    heartbeats,
    members,
    ratings,
    sessions,
    withdrawals,
)
from fundcenter.settings import Settings

log = logging.getLogger(__name__)


class Health(BaseModel):
    status: str
    version: str
    database: str


def create_app(engine: Engine, settings: Settings | None = None, now: Clock = utc_now) -> FastAPI:
    app = FastAPI(
        title="Fund center reference back end",
        version=__version__,
        description=(
            "The fund center's side of the kiosk contract (住房公积金自助终端接口). Every error is "
            '`{"code": "...", "message": "中文说明", "detail": ...}` with a stable machine code. '
            "Kiosk calls name their device in `X-Device-Id`; member calls also carry "
            "`Authorization: Bearer <session token>`."
        ),
    )
    app.state.context = Context(engine=engine, settings=settings or Settings(), now=now)
    errors.install(app)

    @app.get("/healthz", tags=["operations"])
    def healthz(response: Response) -> Health:
        """Liveness and readiness: the process answers and its database answers."""
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("database check failed: %s", type(exc).__name__)
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
            return Health(status="degraded", version=__version__, database="unavailable")
        return Health(status="ok", version=__version__, database="ok")

    app.include_router(devices.router)
    app.include_router(heartbeats.router)
    app.include_router(members.router)
    app.include_router(sessions.router)
    app.include_router(account.router)
    app.include_router(withdrawals.router)
    app.include_router(certificates.router)
    app.include_router(ratings.router)
    return app
