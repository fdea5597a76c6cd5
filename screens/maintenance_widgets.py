"""Buttons and section headings for the technician's screens (big, flat, touch-sized)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.button import Button
from kivy.uix.label import Label

from screens.theme import RGBA, Theme


def flat_button(
    theme: Theme,
    label: str,
    colour: RGBA,
    on_press: Callable[[], None],
    *,
    font_role: str = "body",
    text_colour: RGBA | None = None,
    **kwargs: Any,
) -> Button:
    button = Button(
        text=label,
        font_size=theme.font(font_role),
        background_normal="",
        background_down="",
        background_color=colour,
        color=text_colour if text_colour is not None else theme.palette.on_primary,
        **kwargs,
    )
    button.bind(on_release=lambda *_: on_press())
    return button


def heading(theme: Theme, label: str) -> Label:
    p = theme.palette
    heading = Label(
        text=label,
        font_size=theme.font("heading"),
        color=p.primary,
        bold=True,
        size_hint_y=None,
        height=theme.px(90),
        halign="left",
        valign="middle",
    )
    heading.bind(size=lambda lbl, size: setattr(lbl, "text_size", size))
    return heading
