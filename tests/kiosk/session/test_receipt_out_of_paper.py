"""The receipt printer is out of paper when a withdrawal is accepted: the result stands, the member is
told calmly why there is no receipt, and it prints once paper is back (the real services, simulators)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.identity.engine import FaceEngine, Image
from kiosk.session import events as ev
from kiosk.session.data import SubmissionKind
from kiosk.session.states import Action, Stage
from kiosk.session.view import ResultDetail, View
from tests.fundcenter.helpers import OUYANG, card_of
from tests.kiosk.session.harness import enrolled_kiosk, retirement_to_confirm, walk_to_menu


def receipt_known(view: View) -> bool:
    return (
        isinstance(view.detail, ResultDetail)
        and view.detail.receipt is not None
        and ("请稍候" not in view.detail.receipt.zh)
    )


def test_no_paper_for_the_receipt_then_a_reprint(
    back_end: EmbeddedBackEnd, engine: FaceEngine, camera_view: Callable[[str], Image], tmp_path: Path
) -> None:
    with enrolled_kiosk(back_end, engine, camera_view, tmp_path) as k:
        k.receipts.set_faults("paper_out")
        walk_to_menu(k)
        retirement_to_confirm(k, card_of(OUYANG))
        k.handle(ev.Press(Action.CONFIRM))
        k.run_until_stage(Stage.RESULT, seconds=90)
        view = k.run_until(receipt_known)
        assert isinstance(view.detail, ResultDetail)
        assert view.detail.kind is SubmissionKind.ACCEPTED  # the money went; only the paper is missing
        assert view.detail.receipt is not None
        assert view.detail.receipt.zh.startswith("回执未能打印")
        assert "提取已提交，不受影响" in view.detail.receipt.zh
        assert Action.REPRINT in view.buttons
        assert k.receipts.receipts == []

        k.receipts.set_faults()  # staff put paper in
        k.handle(ev.Press(Action.REPRINT))
        view = k.run_until(receipt_known)
        assert isinstance(view.detail, ResultDetail)
        assert view.detail.receipt is not None
        assert view.detail.receipt.zh == "打印完成，请取走"
        assert Action.REPRINT not in view.buttons
        (printed,) = k.receipts.receipts
        assert printed.qr_codes == [view.detail.reference]
