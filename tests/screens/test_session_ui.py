"""A member's whole session through real touches on the offscreen window, against the reference back
end and the simulators: card, face and liveness, account, certificate (out of paper, then printed),
withdrawal (type, rule, amount and bank card typed on the pad, confirm, second look), result, rating.
At every screen, no label's text is cut."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.app import at
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.session.states import Action, Rating, Stage
from kiosk.session.view import (
    AccountDetail,
    CertificateDetail,
    FaceDetail,
    RatingDetail,
    ResultDetail,
    TypesDetail,
    View,
)
from tests.fundcenter.helpers import LIN, card_of
from tests.screens.fit import cut_labels
from tests.screens.rig import KioskRig

pytestmark = pytest.mark.timeout(900)
DEMO_PIN = "246810"  # kiosk/profiles/demo.toml


@pytest.fixture(scope="module")
def rig(fundcenter: EmbeddedBackEnd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskRig]:
    rig = KioskRig(tmp_path_factory.mktemp("kiosk-ui"), fundcenter).start()
    yield rig
    rig.stop()


def nothing_cut(rig: KioskRig) -> None:
    assert cut_labels(rig.screen()) == [], rig.screen().name


def loaded(stage: Stage, detail: type) -> object:
    def ready(view: View) -> bool:
        d = view.detail
        if view.stage is not stage or view.busy or not isinstance(d, detail):
            return False
        return not any(getattr(d, name, 0) is None for name in ("account", "verification_code", "options"))

    return ready


def on_page(page: int) -> Callable[[View], bool]:
    return lambda v: isinstance(v.detail, TypesDetail) and v.detail.page == page


def test_a_whole_session_by_touch(rig: KioskRig, tmp_path: Path) -> None:
    hardware = rig.hardware
    assert hardware is not None
    attract = rig.app.session_screens.attract
    rig.tap(attract)  # a touch anywhere on the attract screen begins
    rig.wait(at(Stage.CARD))
    nothing_cut(rig)

    hardware.place(1)  # 林晓雯; the simulated member in front of the camera follows the prompts
    rig.wait(lambda v: v.stage is Stage.FACE and v.detail is not None)
    nothing_cut(rig)
    menu = rig.wait(at(Stage.MENU), 90)
    assert menu.name_masked == "林**"
    nothing_cut(rig)

    rig.tap_action(Action.ACCOUNT)
    account = rig.wait(loaded(Stage.ACCOUNT, AccountDetail))  # type: ignore[arg-type]
    assert isinstance(account.detail, AccountDetail)
    assert account.detail.account is not None
    assert account.detail.account.balance_fen > 0
    nothing_cut(rig)
    rig.tap(rig.screen().header.back)
    rig.wait(at(Stage.MENU))

    rig.tap_action(Action.CERTIFICATE)
    rig.wait(loaded(Stage.CERTIFICATE, CertificateDetail), 60)  # type: ignore[arg-type]
    nothing_cut(rig)
    hardware.set_paper(False)
    hardware.set_paper(True)  # the A4 printer runs out of paper
    rig.tap_action(Action.PRINT)
    failed = rig.wait(lambda v: v.stage is Stage.PRINTED and Action.REPRINT in v.buttons, 60)
    assert failed.message is not None
    assert "纸" in failed.message.zh  # the printer's own reason, in Chinese
    nothing_cut(rig)
    hardware.set_paper(False)
    rig.tap_action(Action.REPRINT)
    rig.wait(lambda v: v.stage is Stage.PRINTED and not v.busy and Action.REPRINT not in v.buttons, 60)
    assert len(hardware.cupsd.printed()) == 1

    rig.tap_action(Action.MENU)
    rig.wait(at(Stage.MENU))
    rig.tap_action(Action.WITHDRAWAL)
    types = rig.wait(loaded(Stage.WITHDRAWAL_TYPE, TypesDetail))  # type: ignore[arg-type]
    nothing_cut(rig)
    assert isinstance(types.detail, TypesDetail)
    assert types.detail.options is not None
    while all(o.code != "rent" for o in types.detail.options):  # rent is not on the first page
        assert types.detail.page < types.detail.pages - 1, "rent was on no page"
        rig.tap_action(Action.NEXT_PAGE)
        types = rig.wait(on_page(types.detail.page + 1))
        assert isinstance(types.detail, TypesDetail)
        assert types.detail.options is not None
    rent = next(i for i, o in enumerate(types.detail.options) if o.code == "rent")
    rig.tap(rig.screen().type_buttons[rent])
    rig.wait(at(Stage.WITHDRAWAL_RULE))
    nothing_cut(rig)
    rig.tap_action(Action.DOCUMENTS_READY)
    rig.wait(at(Stage.WITHDRAWAL_AMOUNT))
    pad = rig.screen().pad
    for key in "1500":
        rig.tap(pad.keys[key])
    assert "1500" in pad.entry.text
    nothing_cut(rig)
    rig.tap_action(Action.ENTER_AMOUNT)
    rig.wait(at(Stage.WITHDRAWAL_BANK_CARD))
    nothing_cut(rig)
    pad = rig.screen().pad
    for key in card_of(LIN):
        rig.tap(pad.keys[key])
    rig.tap_action(Action.ENTER_BANK_CARD)
    confirm = rig.wait(at(Stage.WITHDRAWAL_CONFIRM))
    nothing_cut(rig)
    assert confirm.detail is not None
    rig.tap_action(Action.CONFIRM)
    rig.wait(at(Stage.CONFIRM_FACE, busy=None))
    result = rig.wait(
        lambda v: (
            v.stage is Stage.RESULT and isinstance(v.detail, ResultDetail) and v.detail.receipt is not None
        ),
        120,
    )
    assert isinstance(result.detail, ResultDetail)
    assert result.detail.reference
    assert result.detail.amount_fen == 150000
    nothing_cut(rig)
    assert hardware.receipt_printer.receipts, "no receipt came out"
    assert any(result.detail.reference in line for line in hardware.receipt_printer.receipts[-1].lines)

    rig.tap_action(Action.FINISH)
    rig.wait(at(Stage.RATING))
    rig.tap(rig.screen().levels[str(Rating.VERY_SATISFIED)])
    chosen = rig.wait(lambda v: isinstance(v.detail, RatingDetail) and v.detail.chosen is not None)
    assert isinstance(chosen.detail, RatingDetail)
    assert chosen.detail.chosen is Rating.VERY_SATISFIED
    nothing_cut(rig)
    rig.tap_action(Action.SUBMIT_RATING)
    goodbye = rig.wait(at(Stage.GOODBYE, busy=None))
    assert goodbye.name_masked is None  # the member is wiped before the goodbye is shown
    hardware.remove()
    rig.wait(at(Stage.ATTRACT), 30)


def test_elderly_mode_and_english_by_touch(rig: KioskRig) -> None:
    rig.tap(rig.app.session_screens.attract)
    rig.wait(at(Stage.CARD))
    header = rig.screen().header
    rig.tap(header.elderly_toggle)
    elderly = rig.wait(lambda v: v.stage is Stage.CARD and v.elderly)
    assert elderly.elderly
    nothing_cut(rig)
    rig.tap(rig.screen().header.language_toggle)
    english = rig.wait(lambda v: v.stage is Stage.CARD and v.language == "en")
    assert english.title.en in [label.text for label in _all_labels(rig.screen())]
    nothing_cut(rig)
    assert Action.EXIT not in english.buttons  # no session yet: "back" is the way out here
    rig.tap(rig.screen().header.back)
    rig.wait(at(Stage.ATTRACT))


def face_step(step: str) -> Callable[[View], bool]:
    return lambda v: v.stage is Stage.FACE and isinstance(v.detail, FaceDetail) and v.detail.step == step


def test_the_face_screen_changes_its_prompt_in_place_and_speaks_the_challenge(rig: KioskRig) -> None:
    hardware = rig.hardware
    assert hardware is not None
    hardware.place(2)
    challenge = rig.wait(face_step("challenge"), 60)
    screen = rig.screen()
    header, preview = screen.header, screen.preview
    assert screen.prompt.text == challenge.text(challenge.message)
    assert (challenge.language, screen.prompt.text) in rig.app.speaker.said  # "请眨一眨眼睛" aloud
    hold = rig.wait(face_step("hold_still"), 30)
    assert rig.screen() is screen
    assert screen.header is header  # the same page: not rebuilt for a new step
    assert screen.preview is preview
    assert screen.prompt.text == hold.text(hold.message)
    assert preview.shown > 0
    nothing_cut(rig)
    rig.wait(at(Stage.MENU), 90)
    rig.tap(rig.screen().header.exit)
    ended = rig.wait(lambda v: v.stage in (Stage.RATING, Stage.GOODBYE, Stage.ATTRACT), 30)
    if ended.stage is Stage.RATING:
        rig.tap_action(Action.SKIP)
    hardware.remove()
    rig.wait(at(Stage.ATTRACT), 30)


def show(rig: KioskRig, name: str) -> Any:
    """Run frames until the screen called ``name`` is shown; that screen."""
    manager = rig.app.screens
    end = time.monotonic() + 30
    while manager.current != name and time.monotonic() < end:
        rig.frame()
    rig.settle()
    assert manager.current == name
    return manager.current_screen


def open_maintenance(rig: KioskRig) -> Any:
    """The hidden gesture (five taps in the top-right corner), then the demo technician's PIN."""
    from kivy.core.window import Window

    for _ in range(5):
        rig.tap_at(Window.width - 12, Window.height - 12)
    pad = show(rig, "maintenance_pin")
    for key in [*DEMO_PIN, "ok"]:
        rig.tap(pad.keys[key])
    return show(rig, "maintenance")


def test_the_hidden_gesture_and_out_of_service_let_no_member_in(rig: KioskRig) -> None:
    hardware = rig.hardware
    assert hardware is not None
    attract = rig.app.session_screens.attract
    screen = open_maintenance(rig)
    assert rig.view is not None
    assert rig.view.stage is Stage.ATTRACT  # the corner taps began no member session
    screen.scroll.scroll_to(screen.reason_buttons["printer"], animate=False)
    rig.settle()
    rig.tap(screen.reason_buttons["printer"])
    rig.tap(screen.exit_button)
    show(rig, "attract")
    assert attract.call_to_action.text == "暂停服务"

    hardware.place(1)  # a member's card while out of service: no session, the notice stays
    rig.run_for(3.0)
    assert rig.view.stage is Stage.ATTRACT
    assert attract.call_to_action.text == "暂停服务"
    rig.tap(attract)  # nor does a touch begin one
    assert rig.view.stage is Stage.ATTRACT
    hardware.remove()

    screen = open_maintenance(rig)
    screen.scroll.scroll_to(screen.in_service_button, animate=False)
    rig.settle()
    rig.tap(screen.in_service_button)
    rig.tap(screen.exit_button)
    show(rig, "attract")
    hardware.place(1)  # back in service: the card begins a session
    rig.wait(lambda v: v.stage is Stage.FACE, 60)
    hardware.remove()
    rig.wait(at(Stage.ATTRACT), 60)


def _all_labels(root: object) -> list[object]:
    from tests.screens.fit import labels

    return list(labels(root))
