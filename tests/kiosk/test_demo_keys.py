"""The headless demo's keyboard: keys typed at a terminal (a real pty) or piped, and what they do."""

from __future__ import annotations

import os
import pty
import queue
import termios
from pathlib import Path

from kiosk.config import PathsSection
from kiosk.demo import fresh_demo_data
from kiosk.demo_keys import DemoKeys, TerminalKeys, choices, describe
from kiosk.session.data import RequiredDocument, WithdrawalOption
from kiosk.session.states import Action, Rating, Stage
from kiosk.session.view import RatingDetail, Text, TypesDetail, View


def view(stage: Stage, buttons: tuple[Action, ...], detail: object = None) -> View:
    return View(
        stage=stage,
        session=1,
        seconds_left=60,
        language="zh",
        elderly=False,
        title=Text("请选择业务", "Services"),
        message=None,
        buttons=buttons,
        detail=detail,  # type: ignore[arg-type]
    )


class Kiosk:
    """Stands where the app's handle stands: records what the keys pressed and typed."""

    def __init__(self, shown: View) -> None:
        self.view: View | None = shown
        self.pressed: list[tuple[Action, str]] = []
        self.pad: list[str] = []

    def press(self, action: Action, value: str = "") -> None:
        self.pressed.append((action, value))

    def tap_pad(self, key: str) -> None:
        self.pad.append(key)


MENU = view(Stage.MENU, (Action.ACCOUNT, Action.CERTIFICATE, Action.WITHDRAWAL, Action.EXIT, Action.LANGUAGE))


def test_letters_press_the_buttons_shown_and_the_header_keeps_its_letters() -> None:
    letters = {c.letter: c.action for c in choices(MENU)}
    assert letters == {
        "a": Action.ACCOUNT,
        "c": Action.CERTIFICATE,
        "d": Action.WITHDRAWAL,
        "x": Action.EXIT,
        "l": Action.LANGUAGE,
    }
    assert "p" not in letters  # the paper key
    kiosk = Kiosk(MENU)
    hardware: list[str] = []
    keys = DemoKeys(hardware.append)
    assert keys.feed("a", kiosk)
    assert not keys.feed("q", kiosk)  # no such button here: nothing happens
    assert not keys.feed("1", kiosk)
    assert not keys.feed("p", kiosk)
    assert kiosk.pressed == [(Action.ACCOUNT, "")]
    assert hardware == ["1", "p"]
    assert "[a] account" in describe(MENU)


def test_list_choices_carry_their_value() -> None:
    rent = WithdrawalOption("rent", "租房", "", (RequiredDocument("租房合同", ""),), False, "instant")
    types = view(Stage.WITHDRAWAL_TYPE, (Action.BACK, Action.EXIT), TypesDetail((rent,), 0, 1))
    assert next((c.letter, c.action, c.value) for c in choices(types)) == ("a", Action.CHOOSE_TYPE, "rent")
    rating = view(
        Stage.RATING,
        (Action.SUBMIT_RATING, Action.SKIP),
        RatingDetail(tuple(Rating), None, (), ()),
    )
    kiosk = Kiosk(rating)
    DemoKeys(lambda _key: None).feed("a", kiosk)
    assert kiosk.pressed == [(Action.RATE, Rating.VERY_SATISFIED.value)]


def test_equals_digits_enter_types_on_the_number_pad() -> None:
    amount = view(Stage.WITHDRAWAL_AMOUNT, (Action.WHOLE_BALANCE, Action.BACK, Action.EXIT))
    kiosk = Kiosk(amount)
    hardware: list[str] = []
    keys = DemoKeys(hardware.append)
    for key in "=1500":
        assert not keys.feed(key, kiosk)
    assert keys.feed("\n", kiosk)
    assert kiosk.pad == list("1500")
    assert kiosk.pressed == [(Action.ENTER_AMOUNT, "150000")]  # yuan typed, fen sent
    assert hardware == []  # the digits went to the pad, not to the card reader
    kiosk.view = view(Stage.WITHDRAWAL_BANK_CARD, (Action.BACK,))
    for key in "=6222020200000000014\r":
        keys.feed(key, kiosk)
    assert kiosk.pressed[-1] == (Action.ENTER_BANK_CARD, "6222020200000000014")
    assert "type = then the digits" in describe(kiosk.view)


def test_a_terminal_gives_each_key_without_enter_and_is_restored() -> None:
    controller, terminal = pty.openpty()
    stream = os.fdopen(terminal, "r", closefd=True)
    before = termios.tcgetattr(terminal)
    got: queue.Queue[str] = queue.Queue()
    keys = TerminalKeys(got.put, stream)
    try:
        assert keys.start()
        assert not termios.tcgetattr(terminal)[3] & termios.ICANON  # a key at a time
        assert termios.tcgetattr(terminal)[3] & termios.ISIG  # Ctrl+C still interrupts
        os.write(controller, b"1")
        assert got.get(timeout=5) == "1"  # no Enter needed
        os.write(controller, b"a0")
        assert [got.get(timeout=5), got.get(timeout=5)] == ["a", "0"]
    finally:
        keys.stop()
        assert termios.tcgetattr(terminal) == before
        stream.close()
        os.close(controller)


def test_piped_keys_and_the_end_of_input() -> None:
    read_end, write_end = os.pipe()
    stream = os.fdopen(read_end, "r", closefd=True)
    got: list[str] = []

    def on_key(key: str) -> None:
        got.append(key)
        if key == "p":
            raise RuntimeError("a failing key does not end the reader")

    keys = TerminalKeys(on_key, stream)
    assert keys.start()
    os.write(write_end, b"p1\n")
    os.close(write_end)  # end of input
    assert keys._thread is not None
    keys._thread.join(5)
    assert not keys._thread.is_alive()
    assert got == ["p", "1", "\n"]
    keys.stop()
    stream.close()


def test_no_standard_input_means_no_keys() -> None:
    read_end, write_end = os.pipe()
    stream = os.fdopen(read_end, "r")
    stream.close()
    os.close(write_end)
    assert not TerminalKeys(lambda _key: None, stream).start()


def test_each_demo_starts_from_the_seeded_data(tmp_path: Path) -> None:
    paths = PathsSection(var_dir=tmp_path)
    kept = [tmp_path / "kivy" / "config.ini", tmp_path / "screenshots" / "live.png"]
    gone = [
        tmp_path / "fundcenter" / "fundcenter.db",
        paths.outbox,
        tmp_path / "outbox.db-wal",
        paths.identity / "device.key",
        paths.maintenance / "state.json",
        tmp_path / "sessions" / "17" / "photo.bmp",
    ]
    for path in kept + gone:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", "utf-8")
    removed = fresh_demo_data(paths)
    assert all(not path.exists() for path in gone)
    assert all(path.exists() for path in kept)
    assert tmp_path / "fundcenter" in removed
    assert fresh_demo_data(paths) == []  # nothing left to remove
