"""The hidden gesture that opens maintenance, as pure logic on timestamps.

Positions are in widget coordinates with the origin at the bottom left (Kivy's convention); times
are seconds from any monotonic clock. A gesture answers ``True`` on the event that completes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

GestureKind = Literal["corner_taps", "long_press"]
HIDDEN_CORNER = 0.15  # the corner's side, as a fraction of the screen's shorter side


def in_top_right(x: float, y: float, width: float, height: float, fraction: float) -> bool:
    """Whether (x, y) lies in the top-right square whose side is ``fraction`` of the shorter side."""
    side = fraction * min(width, height)
    return x >= width - side and y >= height - side


class HiddenGesture(Protocol):
    def press(self, x: float, y: float, width: float, height: float, t: float) -> bool: ...

    def release(self, t: float) -> bool: ...


@dataclass
class CornerTaps:
    """``taps`` presses in the top-right corner within ``window_s``; a press elsewhere starts over."""

    taps: int = 5
    window_s: float = 3.0
    corner: float = HIDDEN_CORNER
    _times: list[float] = field(default_factory=list)

    def press(self, x: float, y: float, width: float, height: float, t: float) -> bool:
        if not in_top_right(x, y, width, height, self.corner):
            self._times.clear()
            return False
        self._times = [s for s in self._times if t - s <= self.window_s]
        self._times.append(t)
        if len(self._times) >= self.taps:
            self._times.clear()
            return True
        return False

    def release(self, t: float) -> bool:
        return False


@dataclass
class LongPress:
    """One press in the top-right corner held for at least ``hold_s``, answered on release."""

    hold_s: float = 3.0
    corner: float = HIDDEN_CORNER
    _since: float | None = None

    def press(self, x: float, y: float, width: float, height: float, t: float) -> bool:
        self._since = t if in_top_right(x, y, width, height, self.corner) else None
        return False

    def release(self, t: float) -> bool:
        since, self._since = self._since, None
        return since is not None and t - since >= self.hold_s


def make_gesture(kind: GestureKind, *, taps: int, window_s: float, hold_s: float) -> HiddenGesture:
    if kind == "long_press":
        return LongPress(hold_s=hold_s)
    return CornerTaps(taps=taps, window_s=window_s)
