"""Real Kivy in the test process, rendered offscreen (SDL + Mesa), driven by real touches.

One window per pytest process (Kivy has one): :func:`offscreen_window` makes it on first use with the
kiosk's own environment (``kiosk.kivy_env``) and font. :func:`tap` presses and releases a
``UnitTestTouch`` on a widget's centre; :func:`pump` runs Kivy's loop until a condition holds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.config import CJK_FONT
from kiosk.kivy_env import prepare_kivy_environment

WIDTH, HEIGHT = 540, 960  # the portrait panel at half size: quick to draw, same proportions


def offscreen_window(kivy_home: Path) -> Any:
    """The window (made on first use). The process environment is restored afterwards, so later tests
    that start programs of their own (a display, a kiosk in a child process) see the usual one."""
    saved = dict(os.environ)
    prepare_kivy_environment(kivy_home, offscreen=True)
    try:
        return _window()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _window() -> Any:
    from kivy.config import Config  # Kivy reads the environment at import: imported late on purpose

    Config.set("graphics", "width", str(WIDTH))
    Config.set("graphics", "height", str(HEIGHT))
    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kivy.base import EventLoop
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, str(CJK_FONT))
    EventLoop.ensure_window()
    return EventLoop.window


def pump(until: Callable[[], bool], timeout_s: float = 10.0, what: str = "the condition") -> None:
    """Run Kivy's loop (clock, workers' callbacks, layout) until ``until()`` or fail after a deadline."""
    from kivy.base import EventLoop

    deadline = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        EventLoop.idle()


def settle(frames: int = 3) -> None:
    from kivy.base import EventLoop

    for _ in range(frames):
        EventLoop.idle()


def tap_at(x: float, y: float) -> None:
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    settle(1)


def tap(widget: Any) -> None:
    """Touch the middle of ``widget`` where it is on the window now."""
    settle(1)
    x, y = widget.to_window(*widget.center)
    tap_at(x, y)
