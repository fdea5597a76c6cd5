"""The demo's controls without a window: keys typed at the terminal, and the screen said in words.

The same keys as in the window (1-6 place a demo member's card, 0 takes it away, p takes the A4 paper
out and puts it back), plus what a finger would do on the glass: a letter presses a button of the
screen shown (the terminal lists them on every change of screen), and ``=`` then digits then Enter
types an amount (in yuan) or a bank card number on the screen's number pad.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import sys
import termios
import threading
import tty
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol

from kiosk.session.states import Action, Stage
from kiosk.session.view import RatingDetail, TypesDetail, View

log = logging.getLogger(__name__)
HARDWARE_KEYS = frozenset("0123456789p")
# The header's buttons keep their letter on every screen; the others are lettered in the screen's
# order from what is left ("p" is the paper key, so it is never a button).
FIXED = {Action.BACK: "b", Action.EXIT: "x", Action.LANGUAGE: "l", Action.ELDERLY: "e"}
LETTERS = "acdfghijkmnoqrstuvwyz"
# The flow's buttons that carry a value, which the screen supplies: they are typed, not lettered.
TYPED_ACTIONS = frozenset({Action.ENTER_AMOUNT, Action.ENTER_BANK_CARD})


class Kiosk(Protocol):
    """What the keys do to the running kiosk (:class:`kiosk.app.KioskHandle`)."""

    view: View | None

    def press(self, action: Action, value: str = "") -> None: ...

    def tap_pad(self, key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Choice:
    letter: str
    action: Action
    value: str
    label: str


def choices(view: View) -> list[Choice]:
    """The buttons of ``view`` a letter can press, in the screen's order (choices in a list first)."""
    found: list[tuple[Action, str, str]] = []
    detail = view.detail
    if isinstance(detail, TypesDetail) and detail.options:
        found += [(Action.CHOOSE_TYPE, option.code, option.title) for option in detail.options]
    if isinstance(detail, RatingDetail):
        found += [(Action.RATE, level.value, level.value) for level in detail.levels]
    found += [(a, "", a.value) for a in view.buttons if a not in TYPED_ACTIONS and a not in FIXED]
    lettered = [Choice(letter, *item) for letter, item in zip(LETTERS, found, strict=False)]
    header = [Choice(FIXED[a], a, "", a.value) for a in view.buttons if a in FIXED]
    return lettered + header


def describe(view: View) -> str:
    """For the terminal: the screen and what can be typed there."""
    parts = [f"kiosk: screen {view.stage.value} · {view.text(view.title)}"]
    buttons = "  ".join(f"[{c.letter}] {c.label}" for c in choices(view))
    if buttons:
        parts.append(f"  keys: {buttons}")
    if view.stage in (Stage.WITHDRAWAL_AMOUNT, Stage.WITHDRAWAL_BANK_CARD):
        parts.append("  type = then the digits and Enter (an amount in yuan, or the bank card number)")
    return "\n".join(parts)


def prompt(view: View) -> str:
    """The screen's prompt or explanation, for the terminal ("" when it has none)."""
    return f"  » {view.text(view.message)}" if view.message is not None else ""


class DemoKeys:
    """Turns typed characters into the demo hardware's keys, button presses and number-pad entries.

    Fed on the UI thread; ``hardware`` gets 0-9 and p and must not block (the app hands them to a
    worker: the paper key talks to cupsd).
    """

    def __init__(self, hardware: Callable[[str], None]) -> None:
        self.hardware = hardware
        self._typing: str | None = None  # the digits after "=", until Enter

    def feed(self, key: str, kiosk: Kiosk) -> bool:
        """One typed character; True if it did something to the kiosk's screen (not the hardware)."""
        if self._typing is not None:
            return self._type(key, kiosk)
        if key == "=":
            self._typing = ""
            return False
        if key in HARDWARE_KEYS:
            self.hardware(key)
            return False
        view = kiosk.view
        if view is None or not key.isalpha():
            return False
        for choice in choices(view):
            if choice.letter == key.lower():
                kiosk.press(choice.action, choice.value)
                return True
        return False

    def _type(self, key: str, kiosk: Kiosk) -> bool:
        if key.isdigit():
            self._typing = (self._typing or "") + key
            return False
        digits, self._typing = self._typing or "", None
        view = kiosk.view
        if key not in "\r\n" or not digits or view is None:
            return False
        for digit in digits:
            kiosk.tap_pad(digit)
        if view.stage is Stage.WITHDRAWAL_AMOUNT:
            kiosk.press(Action.ENTER_AMOUNT, str(int(digits) * 100))
        elif view.stage is Stage.WITHDRAWAL_BANK_CARD:
            kiosk.press(Action.ENTER_BANK_CARD, digits)
        return True


class TerminalKeys:
    """Reads the terminal a key at a time (no Enter needed) on its own thread; from a pipe, a line
    at a time. Ctrl+C still interrupts (cbreak mode keeps signals); the terminal is restored on stop."""

    def __init__(self, on_key: Callable[[str], None], stream: IO[str] | None = None) -> None:
        self.on_key = on_key
        self.stream = stream if stream is not None else sys.stdin
        self._saved: list[Any] | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start reading; False when there is nothing to read (no standard input)."""
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            return False
        if self.stream.closed:
            return False
        if os.isatty(fd):
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
        self._thread = threading.Thread(target=self._read, args=(fd,), name="terminal-keys", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stopping.set()
        if self._saved is not None:
            with contextlib.suppress(termios.error, OSError, ValueError):
                termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def _read(self, fd: int) -> None:
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.2)
                data = os.read(fd, 1024) if ready else None
            except (OSError, ValueError) as exc:  # a closed or unreadable input: no keys, no crash
                log.info("demo keys: standard input unreadable (%s)", exc)
                return
            if data is None:
                continue
            if not data:  # end of input: the demo goes on without keys
                return
            for key in data.decode("utf-8", errors="ignore"):
                try:
                    self.on_key(key)
                except Exception:  # a key must never end the reader
                    log.exception("demo key %r failed", key)
