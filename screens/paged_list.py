"""A list shown a page at a time (fewer rows per page in the elderly mode), with big page buttons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.buttons import BigButton
from screens.strings import Language, text
from screens.theme import Theme
from screens.widgets import WrappedLabel, paint

Row = tuple[str, str]  # left text (what), right text (amount, date …)


def page_count(rows: int, per_page: int) -> int:
    return max(1, -(-rows // per_page))


class PagedList(BoxLayout):
    """Rows of two texts; ``on_page(n)`` asks for another page (the flow keeps the page number)."""

    def __init__(
        self,
        theme: Theme,
        language: Language,
        rows: Sequence[Row],
        *,
        page: int,
        per_page: int,
        on_page: Callable[[int], None],
        **kwargs: Any,
    ) -> None:
        t, p = theme, theme.palette
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("spacing", t.px(10))
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        pages = page_count(len(rows), per_page)
        page = min(max(0, page), pages - 1)
        self.page, self.pages = page, pages
        shown = rows[page * per_page : (page + 1) * per_page]
        if not shown:
            self.add_widget(
                WrappedLabel(text=text("list.empty", language), font_size=t.font("body"), color=p.text_muted)
            )
        for left, right in shown:
            line = BoxLayout(orientation="horizontal", size_hint_y=None, padding=(t.px(24), t.px(12)))
            paint(line, p.surface, radius=t.px(10))
            what = WrappedLabel(text=left, font_size=t.font("body"), color=p.text, halign="left")
            amount = Label(
                text=right,
                font_size=t.font("body"),
                color=p.primary,
                bold=True,
                size_hint_x=None,
                halign="right",
            )
            amount.bind(texture_size=lambda lbl, size: setattr(lbl, "width", size[0] + t.px(10)))
            line.add_widget(what)
            line.add_widget(amount)
            what.bind(height=lambda _w, h, ln=line: setattr(ln, "height", max(h, t.font("body")) + t.px(24)))
            self.add_widget(line)
        nav = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=t.px(20))
        self.previous = BigButton(
            t, text("list.previous", language), lambda: on_page(page - 1), style="secondary"
        )
        self.next = BigButton(t, text("list.next", language), lambda: on_page(page + 1), style="secondary")
        self.previous.disabled = page == 0
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
        self.bind(minimum_height=self.setter("height"))
