"""The hidden gesture and the idle timeout, on timestamps (no window)."""

import pytest

from kiosk.maintenance.gesture import CornerTaps, LongPress, in_top_right, make_gesture
from kiosk.maintenance.idle import IdleTimer

W, H = 1080, 1920
CORNER = (W - 40, H - 40)  # Kivy's origin is the bottom left: the top right is (width, height)


def test_the_corner_is_a_square_in_the_top_right() -> None:
    assert in_top_right(*CORNER, W, H, 0.15)
    assert not in_top_right(40, H - 40, W, H, 0.15)  # top left
    assert not in_top_right(W - 40, 40, W, H, 0.15)  # bottom right
    assert not in_top_right(W - 200, H - 40, W, H, 0.15)  # 162 px is the side on a 1080 px width


def test_five_taps_within_three_seconds_open_maintenance() -> None:
    taps = CornerTaps(taps=5, window_s=3.0)
    assert [taps.press(*CORNER, W, H, t) for t in (0.0, 0.5, 1.0, 1.5)] == [False] * 4
    assert taps.press(*CORNER, W, H, 2.9) is True
    assert taps.press(*CORNER, W, H, 3.0) is False  # it starts over after opening


def test_slow_taps_or_a_tap_elsewhere_do_not() -> None:
    taps = CornerTaps(taps=5, window_s=3.0)
    assert not any(taps.press(*CORNER, W, H, t) for t in (0.0, 1.0, 2.0, 3.0, 4.0))  # 4 s for five
    assert taps.press(*CORNER, W, H, 4.5) is False  # 1.0 … 4.5 is 3.5 s
    assert taps.press(*CORNER, W, H, 4.9) is True  # 2.0, 3.0, 4.0, 4.5, 4.9: five in 2.9 s
    for t in (10.0, 10.2, 10.4, 10.6):
        taps.press(*CORNER, W, H, t)
    assert taps.press(500, 900, W, H, 10.8) is False  # a member's touch in the middle resets
    assert taps.press(*CORNER, W, H, 11.0) is False


def test_a_long_press_must_be_held_in_the_corner() -> None:
    press = LongPress(hold_s=3.0)
    press.press(*CORNER, W, H, 0.0)
    assert press.release(2.9) is False
    press.press(*CORNER, W, H, 10.0)
    assert press.release(13.0) is True
    press.press(500, 900, W, H, 20.0)
    assert press.release(30.0) is False
    assert press.release(40.0) is False  # a release with no press


@pytest.mark.parametrize(("kind", "expected"), [("corner_taps", CornerTaps), ("long_press", LongPress)])
def test_the_config_names_the_gesture(kind: str, expected: type) -> None:
    assert isinstance(make_gesture(kind, taps=5, window_s=3, hold_s=3), expected)  # type: ignore[arg-type]


def test_idle_timer() -> None:
    idle = IdleTimer(120.0)
    idle.touch(1000.0)
    assert not idle.expired(1119.9)
    assert idle.left_s(1060.0) == 60.0
    idle.touch(1100.0)
    assert not idle.expired(1200.0)
    assert idle.expired(1220.0)
    assert idle.left_s(5000.0) == 0.0
