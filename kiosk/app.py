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

from kiosk.backend_probe import BackEndStatus, probe_back_end
from kiosk.config import KioskConfig
from kiosk.kivy_env import prepare_kivy_environment
from kiosk.workers import Workers

log = logging.getLogger(__name__)
LIVE_SCREENSHOT_INTERVAL_S = 5.0


@dataclass(frozen=True, slots=True)
class RunOptions:
    offscreen: bool
    walkthrough_dir: Path | None = None  # write one PNG per screen here
    exit_after_walkthrough: bool = False
    live_screenshot: Path | None = None  # refresh this PNG every few seconds (headless demo)
    exit_after_first_frame: bool = False  # for the start-up benchmark


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
            self._probing = False
            self._last_reachable: bool | None = None  # None until the first probe answers
            self._first_frame_seen = False

        def build(self) -> Any:
            self.theme = Theme.for_window(Window.width)
            Window.clearcolor = self.theme.palette.background
            self.screens = build_screen_manager(self.theme, self.cfg.kiosk)
            Clock.schedule_interval(lambda _dt: self._tick(), 1.0)
            Clock.schedule_interval(lambda _dt: self._probe(), self.cfg.back_end.probe_interval_s)
            Window.bind(on_flip=self._on_flip)
            self._probe()
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
            self.workers.close(wait=False)

        # -- clock and back-end status -------------------------------------------------------
        def _tick(self) -> None:
            self.screens.get_screen("attract").show_time(dt.datetime.now())

        def _probe(self) -> None:
            if self._probing:
                return
            self._probing = True
            back_end = self.cfg.back_end
            self.workers.run(
                lambda: probe_back_end(str(back_end.url), back_end.probe_timeout_s),
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
            names = list(self.screens.screen_names)

            def shoot(index: int) -> None:
                if index == len(names):
                    log.info("walkthrough: %d screens written to %s", len(names), out)
                    print(f"kiosk: walkthrough screenshots in {out}", flush=True)
                    self.screens.current = "attract"
                    if self.options.exit_after_walkthrough:
                        self.stop()
                    elif self.options.live_screenshot is not None:
                        self._schedule_live_screenshots(self.options.live_screenshot)
                    return
                self.screens.current = names[index]
                # Let layout, text textures and the transition settle before the capture.
                Clock.schedule_once(lambda _dt: capture(index), 0.3)

            def capture(index: int) -> None:
                _export(self.screens, out / f"{index + 1:02d}-{names[index]}.png")
                shoot(index + 1)

            shoot(0)

        def _schedule_live_screenshots(self, target: Path) -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            _export(self.screens, target)
            Clock.schedule_interval(lambda _dt: _export(self.screens, target), LIVE_SCREENSHOT_INTERVAL_S)

    return KioskApp


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
