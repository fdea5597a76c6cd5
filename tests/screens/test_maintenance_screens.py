"""Maintenance on the real (offscreen) window, driven by touches: the hidden gesture, a wrong then the
right PIN, the card test on the simulated reader, out of service shown on the attract screen."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drivers.idcard.device import IdCardReader
from drivers.idcard.simulator import SimulatedReader, demo_cards, register, unregister
from kiosk.config import KioskConfig, load_config
from kiosk.health.shell_status import ShellStatusBoard
from kiosk.maintenance.mode import Maintenance, MaintenanceDevices
from kiosk.maintenance.pin import make_pin_hash
from kiosk.workers import Workers
from tests.support.kivy_window import HEIGHT, WIDTH, offscreen_window, pump, settle, tap, tap_at

PIN = "246810"
PIN_HASH = make_pin_hash(PIN)
READER = "maintenance-ui"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Kiosk:
    cfg: KioskConfig
    manager: Any
    maintenance: Maintenance
    board: ShellStatusBoard
    clock: Clock
    reader: SimulatedReader

    def screen(self, name: str) -> Any:
        return self.manager.get_screen(name)

    def show(self, name: str) -> None:
        pump(lambda: self.manager.current == name and not self.manager.transition.is_active, what=name)


@pytest.fixture(scope="module")
def window(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return offscreen_window(tmp_path_factory.mktemp("kivy"))


def build(window: Any, var: Path) -> tuple[Kiosk, Callable[[], None]]:
    from kivy.clock import Clock as KivyClock

    from screens.maintenance import install_maintenance
    from screens.manager import build_screen_manager
    from screens.theme import Theme

    config = var / "kiosk.toml"
    var.mkdir(exist_ok=True)
    config.write_text(f'[paths]\nvar_dir = "{var}"\n[maintenance]\npin_hash = "{PIN_HASH}"\n', "utf-8")
    cfg = load_config(config)
    reader = SimulatedReader(next(iter(demo_cards().values())))
    url = register(READER, reader) + "?pace=0"
    board = ShellStatusBoard(cfg.paths.shell_status, "0.1.0")
    clock = Clock()
    maintenance = Maintenance(
        cfg, board, MaintenanceDevices(card_reader=lambda: IdCardReader(url)), None, clock=clock
    )
    maintenance.publish()
    workers = Workers(lambda callback: KivyClock.schedule_once(lambda _dt: callback(), 0))
    manager = build_screen_manager(Theme.for_window(WIDTH), cfg.kiosk)
    install_maintenance(manager, Theme.for_window(WIDTH), maintenance, workers)
    window.add_widget(manager)
    settle()

    def teardown() -> None:
        window.remove_widget(manager)
        workers.close(wait=True)
        unregister(READER)

    return Kiosk(cfg, manager, maintenance, board, clock, reader), teardown


@pytest.fixture
def kiosk(window: Any, tmp_path: Path) -> Iterator[Kiosk]:
    built, teardown = build(window, tmp_path / "var")
    yield built
    teardown()


def corner_taps(count: int = 5) -> None:
    for _ in range(count):
        tap_at(WIDTH - 12, HEIGHT - 12)


def enter_code(kiosk: Kiosk, code: str) -> None:
    pad = kiosk.screen("maintenance_pin")
    for digit in code:
        tap(pad.keys[digit])
    tap(pad.keys["ok"])


def open_maintenance(kiosk: Kiosk) -> Any:
    corner_taps()
    kiosk.show("maintenance_pin")
    enter_code(kiosk, PIN)
    kiosk.show("maintenance")
    return kiosk.screen("maintenance")


def test_a_wrong_then_the_right_pin_opens_maintenance_and_the_card_test_reads_a_card(
    kiosk: Kiosk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.maintenance.audit")
    corner_taps(4)
    settle()
    assert kiosk.manager.current == "attract"  # four taps are not the gesture
    tap_at(WIDTH - 12, HEIGHT - 12)
    kiosk.show("maintenance_pin")
    pad = kiosk.screen("maintenance_pin")
    enter_code(kiosk, "135790")
    pump(lambda: "还可尝试 4 次" in pad.message.text, what="the wrong-PIN message")
    assert pad.dots.text == "○ ○ ○ ○ ○ ○"  # the typed digits are gone
    assert kiosk.manager.current == "maintenance_pin"
    enter_code(kiosk, PIN)
    kiosk.show("maintenance")
    assert kiosk.maintenance.active

    screen = kiosk.screen("maintenance")
    assert screen.status_labels["camera"].text == "未配置"
    tap(screen.test_buttons["card_reader"])
    pump(lambda: "读卡成功" in screen.results["card_reader"].text, what="the card test")
    shown = screen.results["card_reader"].text
    assert "**" in shown
    assert "371302198806120029" not in shown
    tap(screen.test_buttons["camera"])
    pump(lambda: screen.results["camera"].text == "本机未配置此设备", what="the camera's answer")
    assert "maintenance test card_reader: card_read" in caplog.messages  # the audit log has the test


def test_out_of_service_puts_a_notice_on_the_attract_screen_and_refuses_cards(kiosk: Kiosk) -> None:
    screen = open_maintenance(kiosk)
    button = screen.reason_buttons["printer"]
    screen.scroll.scroll_to(button, animate=False)
    settle()
    tap(button)
    attract = kiosk.screen("attract")
    pump(lambda: attract.out_of_service == "打印机维护中", what="the notice")
    assert "打印机维护中" in screen.service_label.text
    assert kiosk.board.snapshot().out_of_service == "printer"
    assert (kiosk.cfg.paths.maintenance / "service.json").is_file()
    tap(screen.exit_button)
    kiosk.show("attract")
    assert not kiosk.maintenance.active
    assert attract.call_to_action.text == "暂停服务"
    assert attract.hint.text == "打印机维护中，请到人工窗口办理或稍后再来"
    attract.show_card("林**")  # a card placed now is not greeted
    assert attract.call_to_action.text == "暂停服务"

    screen = open_maintenance(kiosk)
    screen.scroll.scroll_to(screen.in_service_button, animate=False)
    settle()
    tap(screen.in_service_button)
    pump(lambda: attract.out_of_service is None, what="back in service")
    assert attract.call_to_action.text == "请将身份证放在读卡区"
    assert kiosk.board.snapshot().out_of_service is None


def test_five_wrong_codes_lock_the_pad(kiosk: Kiosk) -> None:
    corner_taps()
    kiosk.show("maintenance_pin")
    pad = kiosk.screen("maintenance_pin")
    for attempt in range(5):
        enter_code(kiosk, "000000")
        if attempt < 4:
            pump(lambda n=attempt: f"还可尝试 {4 - n} 次" in pad.message.text, what=f"attempt {attempt + 1}")
    pump(lambda: "错误次数过多，请 5 分钟后再试" in pad.message.text, what="the lock")
    enter_code(kiosk, PIN)
    pump(lambda: "错误次数过多" in pad.message.text and not pad.busy, what="still locked")
    assert kiosk.manager.current == "maintenance_pin"
    tap(pad.keys["cancel"])
    kiosk.show("attract")


def test_maintenance_closes_itself_when_left_alone(kiosk: Kiosk) -> None:
    open_maintenance(kiosk)
    kiosk.clock.t += kiosk.cfg.maintenance.idle_timeout_s + 1
    kiosk.show("attract")
    assert not kiosk.maintenance.active
