"""The band on top of every member screen: back, the language toggle, the elderly mode, exit; then the
stage's title and its countdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens.buttons import BigButton, touch_size
from screens.theme import Theme
from screens.widgets import paint

Action = Callable[[], None]


class Labels(NamedTuple):
    back: str
    exit: str
    language: str  # the other language's name: "English" on a Chinese screen
    elderly: str  # turns the elderly mode on
    normal: str  # turns it off


class Header(BoxLayout):
    """``on_back`` None hides the back button (the first stage of a session has nowhere to go back to)."""

    def __init__(
        self,
        theme: Theme,
        title: str,
        *,
        labels: Labels,
        on_back: Action | None,
        on_exit: Action | None,
        on_language: Action,
        on_elderly: Action,
        elderly: bool,
        **kwargs: Any,
    ) -> None:
        t, p = theme, theme.palette
        target = touch_size(theme)
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        paint(self, p.primary)
        bar = BoxLayout(
            orientation="horizontal",
            size_hint_y=None,
            height=target + t.px(20),
            padding=(t.px(20), t.px(10)),
            spacing=t.px(14),
        )
        narrow: dict[str, Any] = {"size_hint_x": None, "width": max(target * 1.5, t.px(200))}
        self.back = BigButton(t, labels.back, on_back, style="secondary", **narrow)
        self.language_toggle = BigButton(t, labels.language, on_language, style="secondary", **narrow)
        self.elderly_toggle = BigButton(
            t,
            labels.normal if elderly else labels.elderly,
            on_elderly,
            style="danger" if elderly else "secondary",
            size_hint_x=None,
            width=max(target * 1.9, t.px(250)),
        )
        self.exit = BigButton(t, labels.exit, on_exit, style="danger", **narrow)
        if on_back is not None:
            bar.add_widget(self.back)
        bar.add_widget(Widget())
        bar.add_widget(self.language_toggle)
        bar.add_widget(self.elderly_toggle)
        if on_exit is not None:
            bar.add_widget(self.exit)
        self.add_widget(bar)
        self.title = Label(
            text=title,
            font_size=t.font("heading"),
            color=p.on_primary,
            bold=True,
            size_hint_y=None,
            halign="center",
            valign="middle",
        )
        self.title.bind(width=lambda lbl, w: setattr(lbl, "text_size", (w - 2 * t.margin, None)))
        self.title.bind(texture_size=lambda lbl, size: setattr(lbl, "height", size[1] + t.px(30)))
        self.add_widget(self.title)
        self.bind(minimum_height=self.setter("height"))
