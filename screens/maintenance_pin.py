"""The technician's sign-in: a big number pad for the maintenance PIN or a one-time code.

The code is checked on a worker (scrypt takes 0.05–0.2 s); the pad says how many tries are left and how
long it is locked. Left alone for a minute it goes back to the attract screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from kiosk.maintenance.auth import AuthResult, Verdict
from kiosk.maintenance.mode import Maintenance
from kiosk.maintenance.pin import MAX_PIN_DIGITS
from kiosk.workers import Workers
from screens.maintenance_widgets import flat_button
from screens.strings import Language, text
from screens.theme import Theme
from screens.widgets import Panel, WrappedLabel, paint

PAD_TIMEOUT_S = 60.0


class MaintenancePinScreen(Screen):
    NAME = "maintenance_pin"

    def __init__(
        self,
        theme: Theme,
        maintenance: Maintenance,
        workers: Workers,
        *,
        on_accepted: Callable[[], None],
        on_cancel: Callable[[], None],
        language: Language = "zh",
        timeout_s: float = PAD_TIMEOUT_S,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=self.NAME, **kwargs)
        self.theme, self.maintenance, self.workers, self.language = theme, maintenance, workers, language
        self.on_accepted, self.on_cancel = on_accepted, on_cancel
        self.timeout_s = timeout_s
        self.code = ""
        self.busy = False
        self._timeout: Any = None
        p, t = theme.palette, theme
        paint(self, p.background)
        page = BoxLayout(orientation="vertical", spacing=t.px(24))
        header = Panel(p.primary, size_hint_y=None, height=t.px(200), padding=(t.margin, t.px(40)))
        header.add_widget(
            Label(text=text("pin.title", language), font_size=t.font("title"), color=p.on_primary, bold=True)
        )
        page.add_widget(header)
        page.add_widget(
            WrappedLabel(text=text("pin.prompt", language), font_size=t.font("body"), color=p.text)
        )
        self.dots = Label(font_size=t.font("title"), color=p.text, size_hint_y=None, height=t.px(110))
        page.add_widget(self.dots)
        self.message = WrappedLabel(font_size=t.font("body"), color=p.fault)
        page.add_widget(self.message)

        pad = GridLayout(cols=3, spacing=t.px(20), padding=(t.margin, 0), size_hint_y=None)
        pad.bind(minimum_height=pad.setter("height"))
        self.keys: dict[str, Button] = {}
        labels = [*"123456789", "clear", "0", "delete"]
        for key in labels:
            label = key if key.isdigit() else text(f"pin.{key}", language)
            colour = p.surface if key.isdigit() else p.border
            button = flat_button(
                t,
                label,
                colour,
                partial(self.press, key),
                font_role="title" if key.isdigit() else "body",
                text_colour=p.text,
                size_hint_y=None,
                height=t.touch_target * 1.15,
            )
            self.keys[key] = button
            pad.add_widget(button)
        page.add_widget(pad)
        actions = BoxLayout(
            size_hint_y=None, height=t.touch_target * 1.15, spacing=t.px(20), padding=(t.margin, 0)
        )
        self.keys["cancel"] = flat_button(t, text("pin.cancel", language), p.text_muted, self.cancel)
        self.keys["ok"] = flat_button(
            t, text("pin.ok", language), p.primary, self.submit, font_role="heading"
        )
        actions.add_widget(self.keys["cancel"])
        actions.add_widget(self.keys["ok"])
        page.add_widget(actions)
        page.add_widget(BoxLayout())  # the rest of the portrait screen stays calm
        self.add_widget(page)
        self._show_code()

    # -- keys -----------------------------------------------------------------------------------
    def press(self, key: str) -> None:
        if self.busy:
            return
        if key.isdigit() and len(self.code) < MAX_PIN_DIGITS:
            self.code += key
        elif key == "delete":
            self.code = self.code[:-1]
        elif key == "clear":
            self.code = ""
        self._show_code()

    def submit(self) -> None:
        if self.busy or not self.code:
            return
        code, self.code = self.code, ""
        self.busy = True
        self._show_code()
        self.message.text = text("pin.checking", self.language)
        self.message.color = self.theme.palette.text_muted
        self.workers.run(lambda: self.maintenance.try_code(code), self._answered, self._failed)

    def cancel(self) -> None:
        self.code = ""
        self.on_cancel()

    # -- answers (UI thread) --------------------------------------------------------------------
    def _answered(self, result: AuthResult) -> None:
        self.busy = False
        self.message.color = self.theme.palette.fault
        if result.verdict is Verdict.ACCEPTED:
            self.message.text = ""
            self.on_accepted()
        elif result.verdict is Verdict.WRONG:
            self.message.text = text("pin.wrong", self.language, left=result.attempts_left)
        elif result.verdict is Verdict.LOCKED:
            minutes = max(1, math.ceil(result.locked_for_s / 60))
            self.message.text = text("pin.locked", self.language, minutes=minutes)
        else:
            self.message.text = text("pin.not_configured", self.language)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.message.text = text("maintenance.failed", self.language, error=type(exc).__name__)

    def _show_code(self) -> None:
        self.dots.text = "●" * len(self.code) if self.code else "○ ○ ○ ○ ○ ○"

    # -- lifecycle and the pad's own timeout ----------------------------------------------------
    def on_enter(self, *_: Any) -> None:
        self.code = ""
        self.message.text = ""
        self._show_code()
        self._restart_timeout()

    def on_leave(self, *_: Any) -> None:
        self.code = ""
        self._show_code()
        if self._timeout is not None:
            self._timeout.cancel()

    def on_touch_down(self, touch: Any) -> bool:
        self._restart_timeout()
        return bool(super().on_touch_down(touch))

    def _restart_timeout(self) -> None:
        if self._timeout is not None:
            self._timeout.cancel()
        self._timeout = Clock.schedule_once(lambda _dt: self.cancel(), self.timeout_s)
