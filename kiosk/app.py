"""The app wiring: the only module of ``kiosk`` that touches Kivy.

It builds the screens from the config, owns the worker pool (whose results come back through
``Clock.schedule_once``), keeps the clock and the back-end status fresh, and can walk the screens
headlessly to PNG files. Everything it decides lives in UI-agnostic modules.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import (
    CardEvent,
    CardPlaced,
    CardPoller,
    CardReadFailed,
    CardRemoved,
    ReaderStatusChanged,
)
from drivers.status import DeviceStatus
from kiosk import __version__
from kiosk.backend_probe import BackEndStatus, probe_back_end
from kiosk.client.factory import client_from_config
from kiosk.config import KioskConfig
from kiosk.health.shell_status import ShellStatusBoard, write_shell_status
from kiosk.kivy_env import prepare_kivy_environment
from kiosk.masking import mask_name
from kiosk.workers import Workers

log = logging.getLogger(__name__)
LIVE_SCREENSHOT_INTERVAL_S = 5.0
SHELL_STATUS_INTERVAL_S = 5.0  # the health reporter treats three missed writes as a dead shell


@dataclass(frozen=True, slots=True)
class WalkStep:
    """One picture of the walkthrough: show ``screen``, do ``act``, wait for ``settle``, capture."""

    name: str
    screen: str = "attract"
    act: Callable[[], None] | None = None  # e.g. place a demo card on the simulated reader
    settle: str | None = None  # an app event to wait for (bounded): "card-placed", "card-removed"


@dataclass(frozen=True, slots=True)
class RunOptions:
    offscreen: bool
    walkthrough_dir: Path | None = None  # write one PNG per step here
    walkthrough_steps: tuple[WalkStep, ...] = (WalkStep("attract"),)
    after_walkthrough: Callable[[], None] | None = None
    exit_after_walkthrough: bool = False
    live_screenshot: Path | None = None  # refresh this PNG every few seconds (headless demo)
    exit_after_first_frame: bool = False  # for the start-up benchmark
    on_key: Callable[[str], None] | None = None  # demo controls (a typed character)


def run_app(cfg: KioskConfig, options: RunOptions) -> int:
    """Run the kiosk window until it is stopped; returns the process exit code."""
    prepare_kivy_environment(cfg.paths.kivy_home, options.offscreen)
    if not log.isEnabledFor(logging.DEBUG):
        logging.getLogger("kivy").setLevel(logging.WARNING)  # Kivy's start-up banner is noise at INFO
    from kivy.config import Config

    display = cfg.display
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("graphics", "width", str(display.width))
    Config.set("graphics", "height", str(display.height))
    fullscreen = display.fullscreen and not options.offscreen
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("input", "mouse", "mouse,disable_multitouch")

    from kivy.core.text import DEFAULT_FONT, LabelBase

    if not display.font.is_file():
        log.error("CJK font missing: %s (Debian package fonts-wqy-microhei)", display.font)
        return 3
    LabelBase.register(DEFAULT_FONT, str(display.font))

    app = _make_app_class()(cfg, options)
    _stop_on_signals(app.request_stop)
    app.run()
    exit_code: int = app.exit_code
    return exit_code


def _stop_on_signals(stop: Callable[[], None]) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping on %s", signal.Signals(signum).name)
        stop()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def _make_app_class() -> type[Any]:
    """Define the App subclass after Kivy's environment is set (importing Kivy reads it)."""
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    from screens.manager import build_screen_manager
    from screens.theme import Theme

    def post(callback: Callable[[], None]) -> None:
        Clock.schedule_once(lambda _dt: callback(), 0)

    class KioskApp(App):
        title = "住房公积金自助服务"

        def __init__(self, cfg: KioskConfig, options: RunOptions) -> None:
            super().__init__()
            self.cfg = cfg
            self.options = options
            self.exit_code = 0
            self.workers = Workers(post)
            self.client = client_from_config(cfg)
            self._probing = False
            self._last_reachable: bool | None = None  # None until the first probe answers
            self._first_frame_seen = False
            self._seen: set[str] = set()  # app events the walkthrough may wait for
            self.card_poller: CardPoller | None = None
            self.board = ShellStatusBoard(cfg.paths.shell_status, __version__)

        def build(self) -> Any:
            self.theme = Theme.for_window(Window.width)
            Window.clearcolor = self.theme.palette.background
            self.screens = build_screen_manager(self.theme, self.cfg.kiosk)
            Clock.schedule_interval(lambda _dt: self._tick(), 1.0)
            Clock.schedule_interval(lambda _dt: self._probe(), self.cfg.back_end.probe_interval_s)
            Clock.schedule_interval(lambda _dt: self._publish_status(), SHELL_STATUS_INTERVAL_S)
            Window.bind(on_flip=self._on_flip)
            if self.options.on_key is not None:
                on_key = self.options.on_key
                Window.bind(on_key_down=lambda _w, _key, _scan, text, _mods: on_key(text or ""))
            self._probe()
            self._start_card_reader()
            self._publish_status()
            walkthrough, live = self.options.walkthrough_dir, self.options.live_screenshot
            if walkthrough is not None:
                # Wait for the first back-end answer (bounded) so screenshots show the real status.
                deadline = time.monotonic() + self.cfg.back_end.probe_timeout_s + 1.0
                Clock.schedule_once(lambda _dt: self._start_walkthrough(walkthrough, deadline), 0)
            elif live is not None:
                self._schedule_live_screenshots(live)
            return self.screens

        def request_stop(self) -> None:
            Clock.schedule_once(lambda _dt: self.stop(), 0)

        def on_stop(self) -> None:
            if self.card_poller is not None:
                self.card_poller.stop()
            self.workers.close(wait=False)
            self.client.close()

        # -- what the health reporter reads --------------------------------------------------
        def _publish_status(self) -> None:
            snapshot = self.board.snapshot()  # taken here, written on a worker
            self.workers.run(
                lambda: write_shell_status(self.board.path, snapshot),
                on_result=lambda _none: None,
                on_error=lambda exc: log.warning("cannot write the shell status: %s", exc),
            )

        # -- the card reader (its poller runs on its own thread) ---------------------------
        def _start_card_reader(self) -> None:
            settings = self.cfg.card_reader
            if not settings.port:
                return
            self.board.device("card_reader", DeviceStatus.STARTING)
            reader = IdCardReader(settings.port, baudrate=settings.baudrate)
            self.card_poller = CardPoller(
                reader,
                lambda event: post(lambda: self._on_card_event(event)),
                interval_s=settings.poll_interval_s,
            )
            self.card_poller.start()

        def _on_card_event(self, event: CardEvent) -> None:
            attract = self.screens.get_screen("attract")
            if isinstance(event, ReaderStatusChanged):
                self.board.device("card_reader", event.status, event.problem)
                attract.show_reader(_reader_state(event.status))
            elif isinstance(event, CardPlaced):
                self._seen.add("card-placed")
                attract.show_card(mask_name(event.record.name))
            elif isinstance(event, CardReadFailed):
                attract.show_card_problem(event.error.message_zh)
            elif isinstance(event, CardRemoved):
                self._seen.add("card-removed")
                attract.clear_card()

        # -- clock and back-end status -------------------------------------------------------
        def _tick(self) -> None:
            self.screens.get_screen("attract").show_time(dt.datetime.now())

        def _probe(self) -> None:
            if self._probing:
                return
            self._probing = True
            timeout = self.cfg.back_end.probe_timeout_s
            self.workers.run(
                lambda: probe_back_end(self.client, timeout),
                on_result=self._show_back_end,
                on_error=self._probe_failed,
            )

        def _show_back_end(self, status: BackEndStatus) -> None:
            self._probing = False
            if status.reachable != self._last_reachable:  # log once on failure, once on recovery
                if status.reachable:
                    log.info("back end reachable (%s ms, version %s)", status.latency_ms, status.version)
                else:
                    log.warning("back end not reachable: %s", status.problem)
            self._last_reachable = status.reachable
            self.screens.get_screen("attract").show_service("online" if status.reachable else "offline")

        def _probe_failed(self, exc: Exception) -> None:
            log.error("back-end probe failed unexpectedly", exc_info=exc)
            self._show_back_end(BackEndStatus(reachable=False, problem=type(exc).__name__))

        # -- frames, walkthrough, screenshots -----------------------------------------------
        def _on_flip(self, *_: Any) -> None:
            if self._first_frame_seen:
                return
            self._first_frame_seen = True
            if self.options.exit_after_first_frame:
                print("kiosk: first frame", flush=True)
                self.stop()

        def _start_walkthrough(self, out: Path, deadline: float) -> None:
            if self._last_reachable is None and time.monotonic() < deadline:
                Clock.schedule_once(lambda _dt: self._start_walkthrough(out, deadline), 0.1)
                return
            out.mkdir(parents=True, exist_ok=True)
            steps = self.options.walkthrough_steps

            def run(index: int) -> None:
                if index == len(steps):
                    self._end_walkthrough(out, len(steps))
                    return
                step = steps[index]
                self.screens.current = step.screen
                if step.settle:
                    self._seen.discard(step.settle)
                if step.act is not None:
                    step.act()
                give_up = time.monotonic() + 5.0
                settle(index, give_up)

            def settle(index: int, give_up: float) -> None:
                wanted = steps[index].settle
                if wanted and wanted not in self._seen and time.monotonic() < give_up:
                    Clock.schedule_once(lambda _dt: settle(index, give_up), 0.05)
                    return
                # Let layout, text textures and the transition settle before the capture.
                Clock.schedule_once(lambda _dt: capture(index), 0.3)

            def capture(index: int) -> None:
                _export(self.screens, out / f"{index + 1:02d}-{steps[index].name}.png")
                run(index + 1)

            run(0)

        def _end_walkthrough(self, out: Path, count: int) -> None:
            log.info("walkthrough: %d screens written to %s", count, out)
            print(f"kiosk: walkthrough screenshots in {out}", flush=True)
            if self.options.after_walkthrough is not None:
                self.options.after_walkthrough()
            self.screens.current = "attract"
            if self.options.exit_after_walkthrough:
                self.stop()
            elif self.options.live_screenshot is not None:
                self._schedule_live_screenshots(self.options.live_screenshot)

        def _schedule_live_screenshots(self, target: Path) -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            _export(self.screens, target)
            Clock.schedule_interval(lambda _dt: _export(self.screens, target), LIVE_SCREENSHOT_INTERVAL_S)

    return KioskApp


def _reader_state(status: DeviceStatus) -> str:
    if status is DeviceStatus.ONLINE:
        return "online"
    if status in {DeviceStatus.HARDWARE_ERROR, DeviceStatus.USER_ERROR}:
        return "fault"
    return "offline"


def _export(widget: Any, path: Path) -> None:
    """Render ``widget`` to ``path`` atomically (a reader never sees half a PNG)."""
    tmp = path.with_name(f".{path.stem}.tmp.png")
    widget.export_to_png(str(tmp))
    os.replace(tmp, path)


def default_offscreen(cfg: KioskConfig) -> bool:
    if cfg.display.offscreen is not None:
        return cfg.display.offscreen
    from kiosk.config import has_display

    return not has_display()
