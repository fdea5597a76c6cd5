"""Service ratings (好差评): stored per kiosk session, anonymous, never twice for one session."""

from __future__ import annotations

import datetime as dt

import requests
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from fundcenter.models import Rating
from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.helpers import TIMEOUT


def body(ref: str = "b00t1d-000001", level: str = "very_satisfied", **extra: object) -> dict[str, object]:
    return {
        "session_ref": ref,
        "level": level,
        "comments": ["办理快捷"],
        "rated_at": dt.datetime.now(dt.UTC).isoformat(),
        **extra,
    }


def test_a_rating_is_stored_once_per_kiosk_session(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    first = kiosk.post("v1/ratings", body())
    assert first.status_code == 201
    assert first.json()["level"] == "very_satisfied"
    again = kiosk.post("v1/ratings", body(level="dissatisfied"))  # a retry never counts twice
    assert again.status_code == 200
    assert again.json() == first.json()
    other = kiosk.post("v1/ratings", body(ref="b00t1d-000002", level="dissatisfied", comments=[]))
    assert other.status_code == 201
    with Session(server.engine) as db:
        stored = db.scalars(select(Rating).order_by(Rating.id)).all()
        assert [(r.device_id, r.session_ref, r.level) for r in stored] == [
            (kiosk.device_id, "b00t1d-000001", "very_satisfied"),
            (kiosk.device_id, "b00t1d-000002", "dissatisfied"),
        ]


def test_a_rating_names_no_member() -> None:
    columns = {c.name for c in Rating.__table__.columns}
    assert columns == {"id", "device_id", "session_ref", "level", "comments", "rated_at", "received_at"}


def test_bad_ratings_are_refused(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    for wrong in (
        body(level="great"),
        body(ref="x"),
        body(comments=["很" * 33]),
        body(comments=["好"] * 9),
        body(rated_at="2026-11-28T10:00:00"),  # no offset
    ):
        response = kiosk.post("v1/ratings", wrong)
        assert response.status_code == 422, wrong
        assert response.json()["code"] == "invalid_request"
    anonymous = requests.post(f"{server.url}v1/ratings", json=body(), timeout=TIMEOUT)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "device_missing"


def test_the_ratings_table_comes_from_the_migrations(server: ThreadServer) -> None:
    assert "ratings" in inspect(server.engine).get_table_names()
