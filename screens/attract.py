"""The attract screen: the fund center's name, the time, and the call to place the ID card."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, Literal

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.maintenance.gesture import HIDDEN_CORNER, HiddenGesture, in_top_right
from screens.card_illustration import CardOnReader
from screens.formatting import clock_text, date_text
from screens.strings import Language, text
from screens.theme import Theme
from screens.widgets import Panel, StatusLight, WrappedLabel

ServiceState = Literal["checking", "online", "offline"]
ReaderState = Literal["online", "offline", "fault"]


class AttractScreen(Screen):
    def __init__(
        self,
        theme: Theme,
        *,
        center_name: str,
        hall_name: str,
        hotline: str,
        device_id: str,
        language: Language = "zh",
        **kwargs: Any,
    ) -> None:
        super().__init__(name="attract", **kwargs)
        self.theme = theme
        self.language = language
        self.out_of_service: str | None = None  # the reason shown while a technician has it out
        self._gesture: HiddenGesture | None = None
        self._on_gesture: Callable[[], None] | None = None
        p, t = theme.palette, theme  # the background is the window's clear colour (see StageScreen)
        page = BoxLayout(orientation="vertical")

        header = Panel(
            p.primary,
            orientation="vertical",
            size_hint_y=None,
            height=t.px(250),
            padding=(t.margin, t.px(40)),
            spacing=t.px(10),
        )
        header.add_widget(Label(text=center_name, font_size=t.font("title"), color=p.on_primary, bold=True))
        if hall_name:
            header.add_widget(Label(text=hall_name, font_size=t.font("caption"), color=p.on_primary))
        page.add_widget(header)

        clock_box = BoxLayout(
            orientation="vertical", size_hint_y=None, height=t.px(330), padding=(0, t.px(30))
        )
        self.clock = Label(font_size=t.font("clock"), color=p.text)
        self.date = Label(font_size=t.font("body"), color=p.text_muted, size_hint_y=None, height=t.px(60))
        clock_box.add_widget(self.clock)
        clock_box.add_widget(self.date)
        page.add_widget(clock_box)

        self.card = CardOnReader(theme, size_hint_y=1)
        page.add_widget(self.card)

        prompt = BoxLayout(
            orientation="vertical",
            size_hint_y=None,
            height=t.px(420),
            padding=(t.margin, t.px(20)),
            spacing=t.px(24),
        )
        self.call_to_action = WrappedLabel(font_size=t.font("call_to_action"), color=p.accent, bold=True)
        self.hint = WrappedLabel(font_size=t.font("body"), color=p.text_muted)
        prompt.add_widget(self.call_to_action)
        prompt.add_widget(self.hint)
        prompt.add_widget(
            WrappedLabel(text=text("attract.services", language), font_size=t.font("body"), color=p.primary)
        )
        page.add_widget(prompt)

        footer = Panel(
            p.surface,
            orientation="horizontal",
            size_hint_y=None,
            height=t.touch_target,
            padding=(t.margin, 0),
            spacing=t.px(16),
        )
        footer.add_widget(
            Label(
                text=text("attract.hotline", language, hotline=hotline),
                font_size=t.font("caption"),
                color=p.text,
                halign="left",
                size_hint_x=0.34,
                text_size=(None, None),
            )
        )
        lights = BoxLayout(orientation="vertical", padding=(0, t.px(14)))
        dot = t.px(24)
        self.service = StatusLight(p.warning, t.font("small"), p.text_muted, dot)
        self.reader = StatusLight(p.warning, t.font("small"), p.text_muted, dot)
        lights.add_widget(self.service)
        lights.add_widget(self.reader)
        footer.add_widget(lights)
        page.add_widget(footer)
        device = Label(
            text=text("attract.device", language, device_id=device_id),
            font_size=t.font("small"),
            color=p.text_muted,
            size_hint_y=None,
            height=t.px(50),
        )
        page.add_widget(device)
        page.add_widget(Widget(size_hint_y=None, height=t.px(10)))
        self.add_widget(page)
        self.show_time(dt.datetime.now())
        self.show_service("checking")
        self.show_reader("offline")
        self.clear_card()

    def on_enter(self, *_: Any) -> None:
        if self.out_of_service is None:
            self.card.start()

    def on_leave(self, *_: Any) -> None:
        self.card.stop()

    def show_time(self, now: dt.datetime) -> None:
        self.clock.text = clock_text(now)
        self.date.text = date_text(now, self.language)

    def show_service(self, state: ServiceState) -> None:
        p = self.theme.palette
        colour = {"checking": p.warning, "online": p.ok, "offline": p.fault}[state]
        self.service.show(
            colour, text(f"service.{state}", self.language), p.fault if state == "offline" else p.text_muted
        )

    def show_reader(self, state: ReaderState) -> None:
        p = self.theme.palette
        colour = {"online": p.ok, "offline": p.warning, "fault": p.fault}[state]
        self.reader.show(
            colour, text(f"reader.{state}", self.language), p.fault if state == "fault" else p.text_muted
        )

    def show_card(self, masked_name: str) -> None:
        """A card was read: greet the member by their masked name (not while out of service)."""
        if self.out_of_service is not None:
            return
        p = self.theme.palette
        self.call_to_action.text = text("card.read_title", self.language)
        self.call_to_action.color = p.ok
        self.hint.text = text("card.read_hint", self.language, name=masked_name)
        self.hint.color = p.text
        self.card.stop()
        self.card.lift = 0  # the card rests on the pad

    def show_card_problem(self, message: str) -> None:
        """A card lies on the reader but could not be read: say why, calmly."""
        self.hint.text = message
        self.hint.color = self.theme.palette.fault

    def clear_card(self) -> None:
        if self.out_of_service is not None:
            self.show_out_of_service(self.out_of_service)
            return
        p = self.theme.palette
        self.call_to_action.text = text("attract.call_to_action", self.language)
        self.call_to_action.color = p.accent
        self.hint.text = text("attract.call_to_action_hint", self.language)
        self.hint.color = p.text_muted
        if self.manager is not None and self.manager.current == self.name:
            self.card.start()

    # -- maintenance: the out-of-service notice and the hidden gesture ------------------------------
    def show_out_of_service(self, reason: str | None) -> None:
        """暂停服务 and the technician's reason instead of the call to action; None: back in service."""
        self.out_of_service = reason
        if reason is None:
            self.clear_card()
            return
        p = self.theme.palette
        self.call_to_action.text = text("attract.out_of_service", self.language)
        self.call_to_action.color = p.fault
        self.hint.text = text("attract.out_of_service_hint", self.language, reason=reason)
        self.hint.color = p.text
        self.card.stop()

    def enable_hidden_gesture(self, gesture: HiddenGesture, on_gesture: Callable[[], None]) -> None:
        self._gesture, self._on_gesture = gesture, on_gesture

    def in_hidden_corner(self, touch: Any) -> bool:
        """Whether ``touch`` is on the hidden gesture's corner (a touch there begins no member session)."""
        if self._gesture is None:
            return False
        corner = getattr(self._gesture, "corner", HIDDEN_CORNER)
        return in_top_right(touch.x - self.x, touch.y - self.y, self.width, self.height, corner)

    def on_touch_down(self, touch: Any) -> bool:
        if self._gesture is not None and self._on_gesture is not None:
            x, y = touch.x - self.x, touch.y - self.y
            if self._gesture.press(x, y, self.width, self.height, time.monotonic()):
                self._on_gesture()
                return True
        return bool(super().on_touch_down(touch))

    def on_touch_up(self, touch: Any) -> bool:
        if (
            self._gesture is not None
            and self._on_gesture is not None
            and self._gesture.release(time.monotonic())
        ):
            self._on_gesture()
            return True
        return bool(super().on_touch_up(touch))
