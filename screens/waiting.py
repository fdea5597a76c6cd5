"""Stages where the member waits for the kiosk (signing in, printing, submitting): the message and a
spinner that keeps turning, so a slow answer never looks like a frozen screen."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Line
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.session.view import View
from screens.stage import StageScreen
from screens.theme import Theme


class Spinner(Widget):
    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", theme.px(220))
        super().__init__(**kwargs)
        self.angle = 0.0
        with self.canvas:
            Color(*theme.palette.border)
            self._ring = Line(width=theme.px(10))
            Color(*theme.palette.primary)
            self._arc = Line(width=theme.px(10), cap="round")
        self._event = Clock.create_trigger(self._turn, 1 / 30, interval=True)
        self._event()
        self.bind(pos=self._draw, size=self._draw)

    def start(self) -> None:
        self._event()

    def stop(self) -> None:
        self._event.cancel()

    def _turn(self, dt: float) -> None:
        self.angle = (self.angle + 240 * dt) % 360
        self._draw()

    def _draw(self, *_: Any) -> None:
        r = min(self.width, self.height) / 2 * 0.8
        self._ring.circle = (self.center_x, self.center_y, r)
        self._arc.circle = (self.center_x, self.center_y, r, self.angle, self.angle + 100)


class WaitingScreen(StageScreen):
    """A base for the waiting stages (their files name the stage)."""

    spinner: Spinner | None = None

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        if self.spinner is not None:
            self.spinner.stop()
        self.spinner = Spinner(theme)
        body.add_widget(self.spinner)

    def on_enter(self, *args: Any) -> None:
        super().on_enter(*args)
        if self.spinner is not None:
            self.spinner.start()

    def on_leave(self, *_: Any) -> None:
        if self.spinner is not None:
            self.spinner.stop()
