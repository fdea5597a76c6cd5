"""A member's whole visit with no Kivy: the ID card simulator, the camera simulator (a cooperative member
who turns left when asked), the real services on workers, the reference back end, the ESC/POS simulator
and a spool folder. Card → face → menu → account → certificate → withdrawal (second look) → result →
rating → attract; then nothing of the member is left in memory or on disk."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from drivers.idcard.carddata import CardRecord
from kiosk.client.api import Account, MemberSession, SealedCertificate
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.identity.engine import FaceEngine, Image
from kiosk.session import events as ev
from kiosk.session.data import SubmissionKind
from kiosk.session.states import Action, Rating, Stage
from kiosk.session.view import AccountDetail, CertificateDetail, ResultDetail, TypesDetail
from kiosk.session.visit import Visit
from tests.fundcenter.helpers import OUYANG, card_of
from tests.kiosk.session.harness import (
    OUYANG_ID,
    enrolled_kiosk,
    walk_to_menu,
)


def _holds(value: object, token: str) -> bool:
    return isinstance(value, str) and token in value  # the token itself, or "Bearer <token>"


def _attributes(obj: object) -> list[object]:
    """An instance's attribute values (its __dict__ is not a separate object to gc in Python 3.11)."""
    try:
        attrs = object.__getattribute__(obj, "__dict__")
    except (AttributeError, TypeError):
        return []
    return list(attrs.values()) if isinstance(attrs, dict) else []


def leftovers(id_number: str, token: str) -> list[str]:
    """Objects still alive that hold the member's card, face, account, certificate or session token."""
    gc.collect()
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, CardRecord) and obj.id_number == id_number:
            found.append("card record")
        if isinstance(obj, Visit | MemberSession | Account | SealedCertificate):
            found.append(type(obj).__name__)
        if isinstance(obj, dict):
            values: list[object] = list(obj.values())
        elif isinstance(obj, list | tuple):
            values = list(obj)
        else:
            values = _attributes(obj)
        if any(_holds(v, token) for v in values):
            found.append(f"token in a {type(obj).__name__}")
    return found


def test_a_whole_session_against_the_reference_back_end(
    back_end: EmbeddedBackEnd, engine: FaceEngine, camera_view: Callable[[str], Image], tmp_path: Path
) -> None:
    crashed = tmp_path / "sessions" / "kiosk-session-crashed"  # a power cut during an earlier session
    crashed.mkdir(parents=True)
    (crashed / "certificate.pdf").write_bytes(b"%PDF-1.7 an earlier member's certificate")
    with enrolled_kiosk(back_end, engine, camera_view, tmp_path) as k:
        device_id = k.device_id
        assert not crashed.exists()  # wiped when the services started, before the first member
        walk_to_menu(k)
        visit = k.services._visit
        assert visit is not None
        assert visit.token is not None
        token = visit.token
        scratch = visit.scratch.path
        reference = visit.reference
        assert reference is not None
        del visit

        k.handle(ev.Press(Action.ACCOUNT))
        view = k.run_until(lambda v: isinstance(v.detail, AccountDetail) and v.detail.account is not None)
        assert isinstance(view.detail, AccountDetail)
        assert view.detail.account is not None
        balance = view.detail.account.balance_fen
        assert balance > 0
        assert view.detail.account.name_masked == "欧***"
        k.handle(ev.Press(Action.MENU))

        k.handle(ev.Press(Action.CERTIFICATE))
        view = k.run_until(lambda v: isinstance(v.detail, CertificateDetail) and v.detail.verification_code)
        assert isinstance(view.detail, CertificateDetail)
        preview = view.detail.preview_png
        assert preview is not None
        assert Path(preview).parent == scratch  # the preview lives in the session's temp area
        k.handle(ev.Press(Action.PRINT))
        view = k.run_until_stage(Stage.PRINTED)
        assert view.message is not None
        assert view.message.zh == "打印完成，请取走"
        assert len(list(k.spool.glob("*.pdf"))) == 1
        k.handle(ev.Press(Action.MENU))

        k.handle(ev.Press(Action.WITHDRAWAL))
        view = k.run_until(lambda v: isinstance(v.detail, TypesDetail) and v.detail.options is not None)
        k.handle(ev.Press(Action.CHOOSE_TYPE, "retirement"))
        view = k.handle(ev.Press(Action.DOCUMENTS_READY))
        assert view.stage is Stage.WITHDRAWAL_BANK_CARD  # retirement pays out the whole balance
        k.handle(ev.Press(Action.ENTER_BANK_CARD, card_of(OUYANG)))
        k.handle(ev.Press(Action.CONFIRM))
        view = k.run_until_stage(Stage.RESULT, seconds=90)
        assert isinstance(view.detail, ResultDetail)
        assert view.detail.kind is SubmissionKind.ACCEPTED
        assert view.detail.amount_fen == balance
        assert view.detail.reference
        view = k.run_until(lambda v: isinstance(v.detail, ResultDetail) and v.detail.receipt is not None
                           and "请稍候" not in v.detail.receipt.zh)  # fmt: skip
        assert isinstance(view.detail, ResultDetail)
        assert view.detail.receipt is not None
        assert view.detail.receipt.zh == "打印完成，请取走"
        assert [t.zh for t in view.extra] == ["办理结果将以短信通知您"]
        (printed,) = k.receipts.receipts
        assert any(view.detail.reference in line for line in printed.lines)
        assert printed.qr_codes == [view.detail.reference]

        k.handle(ev.Press(Action.FINISH))
        assert k.flow.member is None  # wiped before the rating is asked for
        assert not scratch.exists()
        k.handle(ev.Press(Action.RATE, Rating.VERY_SATISFIED))
        k.handle(ev.Press(Action.COMMENT, "办理快捷"))
        k.handle(ev.Press(Action.SUBMIT_RATING))
        k.reader.remove()
        view = k.run_until_stage(Stage.ATTRACT, seconds=30)
        assert k.stages[:4] == [Stage.ATTRACT, Stage.FACE, Stage.OPENING, Stage.MENU]
        assert k.stages[-3:] == [Stage.RATING, Stage.GOODBYE, Stage.ATTRACT]
        assert Stage.CONFIRM_FACE in k.stages
        assert Stage.SUBMITTING in k.stages
        assert not reference.any()  # the reference encoding was zeroed
        assert list(k.temp_root.iterdir()) == []

    assert leftovers(OUYANG_ID, token) == []
    with sqlite3.connect(back_end.data_dir / "fundcenter.db") as db:
        rows = db.execute("SELECT device_id, level, comments FROM ratings").fetchall()
        open_sessions = db.execute("SELECT count(*) FROM member_sessions WHERE ended_at IS NULL").fetchone()
    assert rows == [(device_id, "very_satisfied", '["办理快捷"]')]  # no member in it
    assert open_sessions == (0,)  # the back end's session was ended with the visit


@pytest.mark.parametrize("how", ["exit", "timeout", "card"])
def test_every_way_out_wipes_memory_and_disk(
    how: str,
    back_end: EmbeddedBackEnd,
    engine: FaceEngine,
    camera_view: Callable[[str], Image],
    tmp_path: Path,
) -> None:
    with enrolled_kiosk(back_end, engine, camera_view, tmp_path) as k:
        walk_to_menu(k)
        visit = k.services._visit
        assert visit is not None
        token = visit.token
        assert token is not None
        encodings = [visit.reference]
        del visit
        k.handle(ev.Press(Action.CERTIFICATE))
        k.run_until(
            lambda v: isinstance(v.detail, CertificateDetail) and v.detail.verification_code is not None
        )
        alive = leftovers(OUYANG_ID, token)  # the check finds the member while the session lasts
        assert {"card record", "Visit", "SealedCertificate"} <= set(alive)
        assert any(found.startswith("token in") for found in alive)
        if how == "exit":
            k.handle(ev.Press(Action.EXIT))
        elif how == "card":
            k.reader.remove()
        else:
            k.flow.clock = lambda: 10**9  # the member walked away: every deadline has passed
        k.run_until_stage(Stage.RATING, Stage.GOODBYE, seconds=30)
        assert k.flow.member is None
        assert list(k.temp_root.iterdir()) == []
        assert all(e is not None and not np.asarray(e).any() for e in encodings)
        k.reader.remove()  # the member takes the card from the reader and leaves
        k.run_until(lambda _v: True)
    assert leftovers(OUYANG_ID, token) == []
