"""The visible countdown of a stage: a shrinking bar and "还剩 N 秒"; it turns red near the end."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens.strings import Language, text
from screens.theme import Theme

URGENT_BELOW_S = 10


class _Bar(Widget):
    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.fraction = 1.0
        with self.canvas:
            Color(*theme.palette.border)
            self._track = Rectangle()
            self._colour = Color(*theme.palette.primary)
            self._fill = Rectangle()
        self.bind(pos=self._draw, size=self._draw)

    def set(self, fraction: float, urgent: bool) -> None:
        self.fraction = min(1.0, max(0.0, fraction))
        p = self.theme.palette
        self._colour.rgba = p.accent if urgent else p.primary
        self._draw()

    def _draw(self, *_: Any) -> None:
        self._track.pos, self._track.size = self.pos, self.size
        self._fill.pos, self._fill.size = self.pos, (self.width * self.fraction, self.height)


class Countdown(BoxLayout):
    """``show(seconds_left, total)``; ``None`` hides it (a stage that waits on a device, not the member)."""

    def __init__(self, theme: Theme, language: Language, **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "horizontal")
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", theme.px(56) * theme.text_scale)
        kwargs.setdefault("spacing", theme.px(20))
        kwargs.setdefault("padding", (theme.margin, theme.px(8)))
        super().__init__(**kwargs)
        self.theme = theme
        self.language = language
        self.bar = _Bar(theme, size_hint_y=None, height=theme.px(14), pos_hint={"center_y": 0.5})
        self.label = Label(
            font_size=theme.font("caption"), color=theme.palette.text_muted, size_hint_x=None, halign="right"
        )
        self.label.bind(texture_size=lambda lbl, size: setattr(lbl, "width", max(size[0], theme.px(200))))
        self.add_widget(self.bar)
        self.add_widget(self.label)
        self.seconds_left: int | None = None

    def show(self, seconds_left: int | None, total: int | None) -> None:
        self.seconds_left = seconds_left
        if seconds_left is None or not total:
            self.opacity = 0
            self.label.text = ""
            return
        self.opacity = 1
        urgent = seconds_left <= URGENT_BELOW_S
        self.bar.set(seconds_left / total, urgent)
        p = self.theme.palette
        self.label.color = p.accent if urgent else p.text_muted
        self.label.text = text("countdown", self.language, seconds=seconds_left)
