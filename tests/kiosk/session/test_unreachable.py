"""The back end goes away just as the member confirms a withdrawal: the outbox holds it, the member is
told "submitted, result by SMS", and the sender delivers it later, once (through a fault proxy). The
member's rating, given while the link is still down, is held and delivered with it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.identity.engine import FaceEngine, Image
from kiosk.outbox.submit import SUBMITTED_ZH
from kiosk.session import events as ev
from kiosk.session.data import SubmissionKind
from kiosk.session.states import Action, Rating, Stage
from kiosk.session.view import ResultDetail
from tests.fundcenter.helpers import OUYANG, card_of
from tests.kiosk.session.harness import enrolled_kiosk, retirement_to_confirm, walk_to_menu
from tests.support.fault_proxy import fault_proxy


@pytest.mark.parametrize(
    "fault", ["drop", "cut"], ids=["request-never-arrives", "answer-cut-after-the-payout"]
)
def test_a_withdrawal_the_back_end_did_not_answer_is_held_and_delivered_once(
    fault: str,
    back_end: EmbeddedBackEnd,
    engine: FaceEngine,
    camera_view: Callable[[str], Image],
    tmp_path: Path,
) -> None:
    assert back_end.url is not None
    with (
        fault_proxy(back_end.url) as proxy,
        enrolled_kiosk(back_end, engine, camera_view, tmp_path, via=proxy.url) as k,
    ):
        walk_to_menu(k)
        retirement_to_confirm(k, card_of(OUYANG))
        proxy.mode = fault  # the link fails from here on
        k.handle(ev.Press(Action.CONFIRM))
        view = k.run_until_stage(Stage.RESULT, seconds=120)
        assert isinstance(view.detail, ResultDetail)
        assert view.detail.kind is SubmissionKind.PENDING
        assert view.message is not None
        assert view.message.zh == SUBMITTED_ZH  # "业务已提交，结果将以短信通知您"
        assert view.message.en.endswith("The result will come by SMS")
        assert k.outbox.depth() == 1  # held, under its Idempotency-Key
        assert k.receipts.receipts == []  # no receipt for a result nobody knows yet
        k.handle(ev.Press(Action.EXIT))
        assert k.flow.member is None
        assert k.flow.stage is Stage.RATING
        k.handle(ev.Press(Action.RATE, Rating.SATISFIED))
        k.handle(ev.Press(Action.SUBMIT_RATING))
        k.run_until(lambda _view: k.outbox.depth() == 2, seconds=30)  # the rating is held too

        proxy.mode = "pass"  # the link is back: the sender delivers under the same key
        sender = k.services.parts.sender
        for _ in range(5):
            sender.drain_once()
            if k.outbox.depth() == 0:
                break
        assert k.outbox.depth() == 0
    with sqlite3.connect(back_end.data_dir / "fundcenter.db") as db:
        paid = db.execute(
            "SELECT count(*) FROM withdrawals w JOIN members m ON m.id = w.member_id"
            " WHERE m.id_number = ? AND w.status = 'paid'",
            (OUYANG[0],),
        ).fetchone()
        ratings = db.execute("SELECT level FROM ratings").fetchall()
    assert paid == (1,)  # paid exactly once, whatever the link did
    assert ratings == [("satisfied",)]
