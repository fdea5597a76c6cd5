"""Big touch targets: every button a finger must hit is at least :data:`MIN_TOUCH_PX` tall and wide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from kivy.uix.button import Button

from screens.theme import RGBA, Theme

MIN_TOUCH_PX = 90  # about 12 mm on a 21.5-inch panel: the smallest target an unsteady finger hits
Style = Literal["primary", "secondary", "danger", "quiet"]


def touch_size(theme: Theme) -> float:
    return max(float(MIN_TOUCH_PX), theme.touch_target)


def _colours(theme: Theme, style: Style) -> tuple[RGBA, RGBA]:
    p = theme.palette
    return {
        "primary": (p.primary, p.on_primary),
        "secondary": (p.surface, p.primary),
        "danger": (p.accent, p.on_primary),
        "quiet": (p.background, p.text),
    }[style]


class BigButton(Button):
    """A flat button with wrapped, centred text; ``on_tap`` runs on release."""

    def __init__(
        self,
        theme: Theme,
        label: str,
        on_tap: Callable[[], None] | None = None,
        *,
        style: Style = "primary",
        font_role: str = "body",
        **kwargs: Any,
    ) -> None:
        background, colour = _colours(theme, style)
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", touch_size(theme))
        super().__init__(
            text=label,
            font_size=theme.font(font_role),
            color=colour,
            background_normal="",
            background_down="",
            background_color=background,
            halign="center",
            valign="middle",
            **kwargs,
        )
        self.theme = theme
        self.style = style
        self.min_width = float(MIN_TOUCH_PX)
        self._on_tap = on_tap
        self.bind(size=self._wrap)
        self._wrap()

    def _wrap(self, *_: Any) -> None:
        pad = self.theme.px(12)
        self.text_size = (max(1.0, self.width - 2 * pad), None)

    def rebind(self, on_tap: Callable[[], None]) -> None:
        """What a tap does from now on (a pad's OK carries the amount typed so far)."""
        self._on_tap = on_tap

    def on_press(self) -> None:
        p = self.theme.palette
        self.background_color = p.primary_dark if self.style in ("primary", "danger") else p.border

    def on_release(self) -> None:
        self.background_color = _colours(self.theme, self.style)[0]
        if self._on_tap is not None and not self.disabled:
            self._on_tap()
