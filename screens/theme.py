"""Colours, type sizes and touch-target sizes in one place.

Sizes are given for the reference portrait screen (1080 px wide) and scaled to the real window, so a
layout keeps its proportions on 768- or 1440-wide panels. The elderly mode (a later screen option)
multiplies type and touch targets through ``text_scale``.
"""

from __future__ import annotations

from dataclasses import dataclass

RGBA = tuple[float, float, float, float]
REFERENCE_WIDTH = 1080


def _hex(code: str, alpha: float = 1.0) -> RGBA:
    code = code.lstrip("#")
    r, g, b = (int(code[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b, alpha)


@dataclass(frozen=True, slots=True)
class Palette:
    primary: RGBA = _hex("#0B4F9C")  # 公积金 blue: header bands, primary buttons
    primary_dark: RGBA = _hex("#083A73")
    accent: RGBA = _hex("#C8161D")  # Chinese red, used sparingly: the call to action
    background: RGBA = _hex("#F3F6FA")
    surface: RGBA = _hex("#FFFFFF")
    text: RGBA = _hex("#1F2733")
    text_muted: RGBA = _hex("#5B6675")
    on_primary: RGBA = _hex("#FFFFFF")
    ok: RGBA = _hex("#1E8E3E")
    warning: RGBA = _hex("#B26A00")
    fault: RGBA = _hex("#C8161D")
    border: RGBA = _hex("#D5DCE6")


@dataclass(frozen=True, slots=True)
class Theme:
    scale: float = 1.0
    text_scale: float = 1.0
    palette: Palette = Palette()

    @classmethod
    def for_window(cls, width: int, text_scale: float = 1.0) -> Theme:
        return cls(scale=width / REFERENCE_WIDTH, text_scale=text_scale)

    def px(self, reference_px: float) -> float:
        """A length on the reference screen, scaled to this window."""
        return reference_px * self.scale

    def font(self, role: str) -> float:
        return _FONT_SIZES[role] * self.scale * self.text_scale

    @property
    def touch_target(self) -> float:
        """Minimum height of anything a finger must hit (about 15 mm on a 21.5-inch portrait panel)."""
        return 140 * self.scale * max(1.0, self.text_scale)

    @property
    def margin(self) -> float:
        return 60 * self.scale


_FONT_SIZES = {
    "clock": 180,
    "title": 60,
    "heading": 52,
    "call_to_action": 76,
    "body": 40,
    "caption": 30,
    "small": 26,
}
FONT_ROLES = frozenset(_FONT_SIZES)
