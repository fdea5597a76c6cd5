"""A calm message box: a coloured bar (ok, info, warning, fault), a headline and an explanation."""

from __future__ import annotations

from typing import Any, Literal

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from screens.theme import Theme
from screens.widgets import WrappedLabel, paint

Tone = Literal["ok", "info", "warning", "fault"]


class MessagePanel(BoxLayout):
    def __init__(self, theme: Theme, tone: Tone, headline: str, detail: str = "", **kwargs: Any) -> None:
        t, p = theme, theme.palette
        kwargs.setdefault("orientation", "horizontal")
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("spacing", t.px(24))
        kwargs.setdefault("padding", (0, 0, t.px(24), 0))
        super().__init__(**kwargs)
        paint(self, p.surface, radius=t.px(16))
        colour = {"ok": p.ok, "info": p.primary, "warning": p.warning, "fault": p.fault}[tone]
        stripe = Widget(size_hint_x=None, width=t.px(16))
        paint(stripe, colour, radius=t.px(8))
        self.add_widget(stripe)
        column = BoxLayout(orientation="vertical", padding=(0, t.px(24)), spacing=t.px(16))
        self.headline = WrappedLabel(
            text=headline, font_size=t.font("heading"), color=colour, bold=True, halign="left"
        )
        column.add_widget(self.headline)
        self.detail = WrappedLabel(text=detail, font_size=t.font("body"), color=p.text, halign="left")
        if detail:
            column.add_widget(self.detail)
        column.bind(minimum_height=column.setter("height"))
        column.size_hint_y = None
        column.bind(height=lambda _c, h: setattr(self, "height", h))
        self.add_widget(column)
