"""The member leaves while the back end is opening their session: the late answer reaches no screen,
and the session it opened is ended at once (real services, reference back end)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.identity.engine import FaceEngine, Image
from kiosk.session import events as ev
from kiosk.session.states import Action, Stage
from tests.kiosk.session.harness import OUYANG_ID, enrolled_kiosk


def open_sessions(back_end: EmbeddedBackEnd) -> tuple[int, int]:
    with sqlite3.connect(back_end.data_dir / "fundcenter.db") as db:
        row = db.execute("SELECT count(*), count(ended_at) FROM member_sessions").fetchone()
    return int(row[0]), int(row[1])


def test_a_session_opened_for_a_member_who_left_is_ended(
    back_end: EmbeddedBackEnd, engine: FaceEngine, camera_view: Callable[[str], Image], tmp_path: Path
) -> None:
    with enrolled_kiosk(back_end, engine, camera_view, tmp_path) as k:
        k.reader.place(k.card(OUYANG_ID))
        k.run_until_stage(Stage.OPENING, seconds=90)  # the request is on a worker; its answer not read yet
        view = k.handle(ev.Press(Action.EXIT))
        assert view.stage is Stage.GOODBYE
        k.run_until(lambda _v: open_sessions(back_end) == (1, 1), seconds=30)  # opened late, then ended
        assert k.flow.view().name_masked is None
        assert Stage.MENU not in k.stages
