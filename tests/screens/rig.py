"""The demo appliance inside this process, for the UI tests and the session benchmark: a reference back
end, the simulators (card reader, cooperative camera, private cupsd, ESC/POS pty), the kiosk enrolled,
and the real app built on Kivy's offscreen window, driven frame by frame with real touches.

Kivy owns one window per process: one rig per process (a module-scoped fixture, or a benchmark's own
interpreter).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import AnyHttpUrl

from kiosk.app import RunOptions, make_app, prepare_kivy
from kiosk.config import BackEndSection, KioskConfig, KioskSection, PathsSection, load_config
from kiosk.demo import DemoHardware, enrol_demo_kiosk
from kiosk.demo_face import REACT_S
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.session.states import Action, Stage
from kiosk.session.view import View

Until = Callable[[View], bool]
TAP_S = 0.15  # a finger on the glass; longer than ScrollView's 55 ms scroll timeout


class KioskRig:
    def __init__(
        self,
        var_dir: Path,
        back_end: EmbeddedBackEnd,
        device_id: str = "KIOSK-RIG-0001",
        react_s: float = REACT_S,
    ) -> None:
        self.var_dir = var_dir
        self.react_s = react_s
        self.back_end = back_end
        self.device_id = device_id
        self.hardware: DemoHardware | None = None
        self.app: Any = None
        self.root: Any = None
        self.flips = 0  # frames the window has shown (the frame-rate benchmark counts them)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> KioskRig:
        assert self.back_end.url is not None
        cfg = load_config(profile="demo")
        cfg = cfg.model_copy(
            update={
                "paths": PathsSection(var_dir=self.var_dir),
                "kiosk": KioskSection.model_validate(cfg.kiosk.model_dump() | {"device_id": self.device_id}),
                "back_end": BackEndSection.model_validate(
                    cfg.back_end.model_dump() | {"url": AnyHttpUrl(self.back_end.url)}
                ),
            }
        )
        enrol_demo_kiosk(self.back_end, cfg)
        self.hardware = hardware = DemoHardware(self.var_dir, self.react_s)
        hardware.start()
        cfg = cfg.model_copy(update={"printers": hardware.printers()})
        self.cfg: KioskConfig = cfg
        assert prepare_kivy(cfg, offscreen=True)
        from kivy.base import EventLoop
        from kivy.core.window import Window

        EventLoop.ensure_window()
        options = RunOptions(
            offscreen=True, camera_source=hardware.camera, on_view=hardware.follow, voice_log=True
        )
        self.app = make_app(cfg, options)
        self.root = self.app.build()
        Window.add_widget(self.root)
        Window.bind(on_flip=self._flipped)
        self.wait(lambda view: view.stage is Stage.ATTRACT, 120.0)  # the face models are loaded
        return self

    def stop(self) -> None:
        from kivy.core.window import Window

        if self.app is not None:
            self.app.on_stop()
            Window.remove_widget(self.root)
            Window.unbind(on_flip=self._flipped)
        if self.hardware is not None:
            self.hardware.remove()
            self.hardware.stop()

    def _flipped(self, *_: Any) -> None:
        self.flips += 1

    # -- driving --------------------------------------------------------------------------------
    @property
    def view(self) -> View | None:
        view: View | None = self.app.view
        return view

    def frame(self) -> None:
        from kivy.base import EventLoop

        EventLoop.idle()

    def run_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.frame()

    def wait(self, until: Until, timeout_s: float = 30.0, *, settle: bool = True) -> View:
        """Run frames until the view satisfies ``until`` (then, unless ``settle`` is False, until the
        screen has settled); fails with the stage it is stuck in."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            self.frame()
            view = self.view
            if view is not None and until(view):
                if settle:
                    self.settle()
                return view
        view = self.view
        raise AssertionError(f"timed out after {timeout_s} s at {view.stage if view else None}: {view}")

    def settle(self) -> None:
        """Let the screen's text settle and its fade end."""
        self.run_for(0.3)
        self.until_still()

    def until_still(self) -> None:
        """Run frames until no fade is under way: a fade ends by the frames' clock, so on a busy machine
        one slow frame can outlast it, and a touch on a fading screen is dropped (as on the glass)."""
        end = time.monotonic() + 30.0
        while self.app.screens.transition.is_active and time.monotonic() < end:
            self.frame()

    def screen(self) -> Any:
        return self.app.session_screens.current

    def tap(self, widget: Any) -> None:
        """A real touch at the middle of ``widget``, through the window's input chain, held as long as a
        finger is (a screen's scrolling body hands a touch to its buttons once it is not a swipe)."""
        self.tap_at(*widget.to_window(*widget.center))

    def tap_at(self, x: float, y: float) -> None:
        """A real touch at window coordinates (x, y)."""
        from kivy.tests.common import UnitTestTouch

        self.until_still()
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.run_for(TAP_S)
        touch.touch_up()
        self.run_for(TAP_S)

    def tap_action(self, action: Action) -> None:
        buttons = self.screen().buttons
        assert action in buttons, f"no {action} on {self.screen().name}: {sorted(buttons)}"
        self.tap(buttons[action])
