"""A list shown a page at a time (the flow keeps the page and gives fewer rows in the elderly mode),
with big buttons to turn the page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.buttons import BigButton
from screens.strings import Language, text
from screens.theme import Theme
from screens.widgets import WrappedLabel, paint

Row = tuple[str, str]  # left text (what, when), right text (the amount)


class PagedList(BoxLayout):
    def __init__(
        self,
        theme: Theme,
        language: Language,
        rows: Sequence[Row],
        *,
        page: int,
        pages: int,
        on_previous: Callable[[], None],
        on_next: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        t, p = theme, theme.palette
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("spacing", t.px(10))
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        self.bind(minimum_height=self.setter("height"))
        if not rows:
            self.add_widget(
                WrappedLabel(text=text("list.empty", language), font_size=t.font("body"), color=p.text_muted)
            )
        for left, right in rows:
            self.add_widget(_line(theme, left, right))
        if pages <= 1:
            return
        nav = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=t.px(20))
        self.previous = BigButton(t, text("list.previous", language), on_previous, style="secondary")
        self.next = BigButton(t, text("list.next", language), on_next, style="secondary")
        self.previous.disabled = page <= 0
        self.next.disabled = page >= pages - 1
        where = Label(
            text=text("list.page", language, page=page + 1, pages=pages),
            font_size=t.font("caption"),
            color=p.text_muted,
        )
        nav.height = self.previous.height
        nav.add_widget(self.previous)
        nav.add_widget(where)
        nav.add_widget(self.next)
        self.add_widget(nav)


def _line(theme: Theme, left: str, right: str) -> BoxLayout:
    t, p = theme, theme.palette
    line = BoxLayout(
        orientation="horizontal", size_hint_y=None, padding=(t.px(24), t.px(12)), spacing=t.px(16)
    )
    paint(line, p.surface, radius=t.px(10))
    what = WrappedLabel(text=left, font_size=t.font("caption"), color=p.text, halign="left")
    amount = Label(
        text=right, font_size=t.font("body"), color=p.primary, bold=True, size_hint_x=None, halign="right"
    )
    amount.bind(texture_size=lambda lbl, size: setattr(lbl, "width", size[0] + t.px(10)))
    line.add_widget(what)
    line.add_widget(amount)
    what.bind(height=lambda _w, h: setattr(line, "height", max(h, t.font("body") * 1.3) + t.px(24)))
    return line
