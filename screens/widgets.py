"""Small building blocks shared by the screens: painted panels and wrapping labels."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Ellipse, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens.theme import RGBA


def paint(widget: Widget, rgba: RGBA, radius: float = 0) -> Color:
    """Fill ``widget``'s background (kept in step with its size); returns the Color to recolour it."""
    with widget.canvas.before:
        colour = Color(*rgba)
        rect = RoundedRectangle(pos=widget.pos, size=widget.size, radius=[radius])

    def follow(*_: Any) -> None:
        rect.pos = widget.pos
        rect.size = widget.size

    widget.bind(pos=follow, size=follow)
    return colour


class Panel(BoxLayout):
    """A BoxLayout with a solid (optionally rounded) background."""

    def __init__(self, rgba: RGBA, radius: float = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.background = paint(self, rgba, radius)


class WrappedLabel(Label):
    """A label that wraps to its width and is as tall as its text (for flowing Chinese sentences)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("halign", "center")
        kwargs.setdefault("valign", "middle")
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        self.bind(width=self._wrap, texture_size=self._fit)
        self._wrap()

    def _wrap(self, *_: Any) -> None:
        self.text_size = (self.width, None)

    def _fit(self, *_: Any) -> None:
        self.height = self.texture_size[1]


class Dot(Widget):
    """A status light: a filled circle whose colour is set with :meth:`set_colour`."""

    def __init__(self, rgba: RGBA, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            self._colour = Color(*rgba)
            self._circle = Ellipse(pos=self.pos, size=self.size)
        self.bind(pos=self._follow, size=self._follow)

    def _follow(self, *_: Any) -> None:
        side = min(self.width, self.height)
        self._circle.size = (side, side)
        self._circle.pos = (self.x, self.center_y - side / 2)

    def set_colour(self, rgba: RGBA) -> None:
        self._colour.rgba = rgba


class StatusLight(BoxLayout):
    """A coloured light and a short text beside it, for a status line at the foot of a screen."""

    def __init__(
        self, rgba: RGBA, font_size: float, text_colour: RGBA, dot_size: float, **kwargs: Any
    ) -> None:
        kwargs.setdefault("orientation", "horizontal")
        kwargs.setdefault("spacing", dot_size / 2)
        super().__init__(**kwargs)
        self.dot = Dot(rgba, size_hint=(None, None), size=(dot_size, dot_size), pos_hint={"center_y": 0.5})
        self.label = Label(font_size=font_size, color=text_colour, halign="left", valign="middle")
        self.label.bind(size=lambda lbl, size: setattr(lbl, "text_size", size))
        self.add_widget(self.dot)
        self.add_widget(self.label)

    def show(self, rgba: RGBA, text: str, text_colour: RGBA) -> None:
        self.dot.set_colour(rgba)
        self.label.text = text
        self.label.color = text_colour
