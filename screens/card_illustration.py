"""The attract screen's picture: an ID card settling onto the reader pad, drawn with canvas shapes."""

from __future__ import annotations

from typing import Any

from kivy.animation import Animation
from kivy.graphics import Color, Ellipse, Line, RoundedRectangle, Triangle
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

from screens.theme import Theme


class CardOnReader(Widget):
    """A reader pad with an ID card hovering over it; the card bobs gently to invite a tap."""

    lift = NumericProperty(1.0)  # 1: card above the pad, 0: card resting on it

    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.bind(pos=self._redraw, size=self._redraw, lift=self._redraw)
        self._animation = Animation(lift=0.15, duration=1.1, t="in_out_sine") + Animation(
            lift=1.0, duration=1.1, t="in_out_sine"
        )
        self._animation.repeat = True

    def start(self) -> None:
        self._animation.start(self)

    def stop(self) -> None:
        self._animation.cancel(self)

    def _redraw(self, *_: Any) -> None:
        p = self.theme.palette
        s = self.theme.scale
        cx = self.center_x
        pad_w, pad_h = 520 * s, 150 * s
        pad_y = self.y + 20 * s
        card_w, card_h = 428 * s, 270 * s  # ID-1 proportions (85.6 x 54 mm)
        card_y = pad_y + pad_h * 0.35 + self.lift * 150 * s
        self.canvas.clear()
        with self.canvas:
            # reader pad with its sensing ring
            Color(*p.primary_dark)
            RoundedRectangle(pos=(cx - pad_w / 2, pad_y), size=(pad_w, pad_h), radius=[28 * s])
            Color(*p.on_primary[:3], 0.35)
            Line(ellipse=(cx - 90 * s, pad_y + 25 * s, 180 * s, 100 * s), width=3 * s)
            # arrow from card to pad
            Color(*p.accent)
            tip = pad_y + pad_h + 10 * s
            Triangle(points=[cx - 34 * s, tip + 46 * s, cx + 34 * s, tip + 46 * s, cx, tip])
            # the card
            Color(0, 0, 0, 0.12)
            RoundedRectangle(
                pos=(cx - card_w / 2 + 8 * s, card_y - 8 * s), size=(card_w, card_h), radius=[18 * s]
            )
            Color(*p.surface)
            RoundedRectangle(pos=(cx - card_w / 2, card_y), size=(card_w, card_h), radius=[18 * s])
            Color(*p.border)
            Line(rounded_rectangle=(cx - card_w / 2, card_y, card_w, card_h, 18 * s), width=2 * s)
            # portrait on the right, text lines on the left, as on a resident ID card
            Color(*p.primary[:3], 0.25)
            Ellipse(pos=(cx + card_w / 2 - 150 * s, card_y + 95 * s), size=(110 * s, 130 * s))
            Color(*p.text_muted[:3], 0.35)
            for i in range(4):
                w = (210 - 40 * (i % 2)) * s
                RoundedRectangle(
                    pos=(cx - card_w / 2 + 34 * s, card_y + card_h - (62 + 44 * i) * s),
                    size=(w, 18 * s),
                    radius=[9 * s],
                )
            RoundedRectangle(
                pos=(cx - card_w / 2 + 34 * s, card_y + 30 * s),
                size=(card_w - 68 * s, 20 * s),
                radius=[10 * s],
            )
