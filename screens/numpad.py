"""A big number pad for amounts and bank card numbers, with the entry shown above it.

The pad only reports keys (``0``-``9``, ``.``, ``del``, ``clear``); what they mean is the flow's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label

from screens.buttons import BigButton, Style, touch_size
from screens.strings import Language, text
from screens.theme import Theme
from screens.widgets import paint

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9")


class NumberPad(BoxLayout):
    def __init__(
        self,
        theme: Theme,
        language: Language,
        entry: str,
        placeholder: str,
        on_key: Callable[[str], None],
        *,
        decimal: bool,
        **kwargs: Any,
    ) -> None:
        t, p = theme, theme.palette
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("spacing", t.px(16))
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        self.theme = theme
        row = touch_size(theme)
        self.entry = Label(
            text=entry or placeholder,
            font_size=t.font("heading"),
            color=p.text if entry else p.text_muted,
            size_hint_y=None,
            height=row,
        )
        paint(self.entry, p.surface, radius=t.px(12))
        self.add_widget(self.entry)
        grid = GridLayout(cols=3, spacing=t.px(16), size_hint_y=None, height=4 * row + 3 * t.px(16))
        self.keys: dict[str, BigButton] = {}
        bottom = ["." if decimal else "clear", "0", "del"]
        labels = {"clear": text("pad.clear", language), "del": text("pad.delete", language)}
        for key in (*KEYS, *bottom):
            style: Style = "secondary" if key in ("del", "clear", ".") else "primary"
            button = BigButton(
                t, labels.get(key, key), partial(on_key, key), style=style, font_role="heading"
            )
            self.keys[key] = button
            grid.add_widget(button)
        self.add_widget(grid)
        self.height = row + grid.height + self.spacing
        self.placeholder = placeholder

    def show(self, entry: str, has_value: bool) -> None:
        p = self.theme.palette
        self.entry.text = entry if has_value else self.placeholder
        self.entry.color = p.text if has_value else p.text_muted
