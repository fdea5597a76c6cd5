"""The maintenance screen: every device's status with a test button and its result, the out-of-service
switch with reason presets, the outbox, the recent log, and the way out (also after idling).

:func:`install_maintenance` is the one entry point for the app wiring: it adds the PIN pad and this
screen to the manager and hooks the attract screen (hidden gesture, out-of-service notice).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen, ScreenManager
from kivy.uix.scrollview import ScrollView

from kiosk.health.shell_status import DeviceReport
from kiosk.maintenance.device_tests import DeviceTestResult
from kiosk.maintenance.mode import DeviceName, Maintenance
from kiosk.maintenance.outbox_view import OutboxRow
from kiosk.maintenance.service import REASONS, ServiceState
from kiosk.workers import Workers
from screens.maintenance_pin import MaintenancePinScreen
from screens.maintenance_widgets import flat_button, heading
from screens.strings import Language, text
from screens.theme import Theme
from screens.widgets import Panel, WrappedLabel, paint

DEVICE_NAMES: tuple[DeviceName, ...] = ("card_reader", "camera", "document_printer", "receipt_printer")
IDLE_CHECK_S = 1.0


# -- texts from plain values (no widgets) -------------------------------------------------------
def device_line(report: DeviceReport | None, language: Language) -> str:
    if report is None:
        return text("device.not_configured", language)
    parts = [text(f"status.{report.status}", language)]
    if report.paper:
        parts.append(text(f"paper.{report.paper}", language))
    if report.problem:
        parts.append(report.problem)
    return "，".join(parts) if language == "zh" else ", ".join(parts)


def result_line(result: DeviceTestResult, language: Language) -> str:
    values: dict[str, str] = dict(result.values)
    if "exposure" in values:
        values["exposure"] = text(f"exposure.{values['exposure']}", language)
    return text(f"maintenance.test.{result.code}", language, **values)


def reason_text(reason: str | None, language: Language) -> str:
    return text(f"reason.{reason or 'maintenance'}", language)


def service_line(state: ServiceState, language: Language) -> str:
    if not state.out_of_service:
        return text("maintenance.in_service", language)
    return text("maintenance.out_of_service", language, reason=reason_text(state.reason, language))


def outbox_lines(rows: list[OutboxRow], language: Language) -> str:
    if not rows:
        return text("maintenance.outbox_empty", language)
    return "\n".join(
        text(
            "maintenance.outbox_row",
            language,
            item=row.key_hint,
            kind=row.kind,
            state=text(f"outbox.{row.state}", language),
            minutes=math.floor(row.age_s / 60),
            attempts=row.attempts,
        )
        for row in rows
    )


class MaintenanceScreen(Screen):
    NAME = "maintenance"

    def __init__(
        self,
        theme: Theme,
        maintenance: Maintenance,
        workers: Workers,
        *,
        on_exit: Callable[[], None],
        on_service_changed: Callable[[ServiceState], None],
        language: Language = "zh",
        card_timeout_s: float = 15.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=self.NAME, **kwargs)
        self.theme, self.maintenance, self.workers, self.language = theme, maintenance, workers, language
        self.on_exit, self.on_service_changed = on_exit, on_service_changed
        self.card_timeout_s = card_timeout_s
        self._idle_event: Any = None
        p, t = theme.palette, theme
        paint(self, p.background)
        page = BoxLayout(orientation="vertical")
        header = Panel(
            p.primary, size_hint_y=None, height=t.px(170), padding=(t.margin, t.px(20)), spacing=t.px(20)
        )
        header.add_widget(
            Label(text=text("maintenance.title", language), font_size=t.font("title"), color=p.on_primary)
        )
        self.exit_button = flat_button(
            t, text("maintenance.exit", language), p.accent, lambda: self.leave("exit"), size_hint_x=0.45
        )
        header.add_widget(self.exit_button)
        page.add_widget(header)

        body = BoxLayout(
            orientation="vertical", size_hint_y=None, padding=(t.margin, t.px(20)), spacing=t.px(14)
        )
        body.bind(minimum_height=body.setter("height"))
        self._devices(body)
        self._service(body)
        self.outbox_label = self._listing(body, "maintenance.outbox", self.refresh_outbox)
        self.log_label = self._listing(body, "maintenance.logs", self.refresh_logs, font_role="small")
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(body)
        self.scroll = scroll
        page.add_widget(scroll)
        self.add_widget(page)

    # -- building ------------------------------------------------------------------------------
    def _devices(self, body: BoxLayout) -> None:
        t, p = self.theme, self.theme.palette
        body.add_widget(heading(t, text("maintenance.devices", self.language)))
        self.status_labels: dict[str, Label] = {}
        self.test_buttons: dict[str, Button] = {}
        self.results: dict[str, WrappedLabel] = {}
        for name in DEVICE_NAMES:
            row = BoxLayout(size_hint_y=None, height=t.touch_target, spacing=t.px(16))
            row.add_widget(
                _left(
                    Label(text=text(f"device.{name}", self.language), font_size=t.font("body"), color=p.text)
                )
            )
            status = _left(Label(font_size=t.font("caption"), color=p.text_muted))
            row.add_widget(status)
            button = flat_button(
                t, text("maintenance.test", self.language), p.primary, partial(self.run_test, name)
            )
            button.size_hint_x = 0.4
            row.add_widget(button)
            result = WrappedLabel(font_size=t.font("caption"), color=p.text, halign="left", height=0)
            body.add_widget(row)
            body.add_widget(result)
            self.status_labels[name], self.test_buttons[name], self.results[name] = status, button, result

    def _service(self, body: BoxLayout) -> None:
        t, p = self.theme, self.theme.palette
        body.add_widget(heading(t, text("maintenance.service", self.language)))
        self.service_label = WrappedLabel(font_size=t.font("body"), color=p.text, halign="left")
        body.add_widget(self.service_label)
        body.add_widget(
            WrappedLabel(
                text=text("maintenance.set_out", self.language),
                font_size=t.font("caption"),
                color=p.text_muted,
                halign="left",
            )
        )
        grid = GridLayout(cols=2, spacing=t.px(16), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        self.reason_buttons: dict[str, Button] = {}
        for reason in REASONS:
            button = flat_button(
                t,
                reason_text(reason, self.language),
                p.warning,
                partial(self.set_out_of_service, reason),
                size_hint_y=None,
                height=t.touch_target,
            )
            self.reason_buttons[reason] = button
            grid.add_widget(button)
        self.in_service_button = flat_button(
            t,
            text("maintenance.set_in", self.language),
            p.ok,
            self.set_in_service,
            size_hint_y=None,
            height=t.touch_target,
        )
        grid.add_widget(self.in_service_button)
        body.add_widget(grid)

    def _listing(
        self, body: BoxLayout, key: str, refresh: Callable[[], None], font_role: str = "caption"
    ) -> WrappedLabel:
        t, p = self.theme, self.theme.palette
        row = BoxLayout(size_hint_y=None, height=t.touch_target * 0.8, spacing=t.px(16))
        row.add_widget(heading(t, text(key, self.language)))
        button = flat_button(t, text("maintenance.refresh", self.language), p.primary_dark, refresh)
        button.size_hint_x = 0.35
        row.add_widget(button)
        body.add_widget(row)
        label = WrappedLabel(font_size=t.font(font_role), color=p.text, halign="left")
        body.add_widget(label)
        return label

    # -- what is shown -------------------------------------------------------------------------
    def refresh_devices(self) -> None:
        for name, report in self.maintenance.device_reports():
            if name in self.status_labels:
                self.status_labels[name].text = device_line(report, self.language)

    def refresh_outbox(self) -> None:
        self.workers.run(
            self.maintenance.outbox_rows,
            lambda rows: setattr(self.outbox_label, "text", outbox_lines(rows, self.language)),
            self._show_error(self.outbox_label),
        )

    def refresh_logs(self) -> None:
        lines = self.maintenance.log_tail(30)  # in memory: no I/O
        self.log_label.text = "\n".join(lines) if lines else text("maintenance.logs_empty", self.language)

    def show_service(self, state: ServiceState) -> None:
        self.service_label.text = service_line(state, self.language)
        self.service_label.color = self.theme.palette.fault if state.out_of_service else self.theme.palette.ok

    # -- actions -------------------------------------------------------------------------------
    def run_test(self, device: DeviceName) -> None:
        button, result = self.test_buttons[device], self.results[device]
        if button.disabled:
            return
        button.disabled = True
        waiting = "maintenance.test.running_card" if device == "card_reader" else "maintenance.test.running"
        result.text = text(waiting, self.language)
        result.color = self.theme.palette.text_muted

        def done(outcome: DeviceTestResult) -> None:
            button.disabled = False
            result.text = result_line(outcome, self.language)
            result.color = self.theme.palette.ok if outcome.ok else self.theme.palette.fault
            self.refresh_logs()

        def failed(exc: Exception) -> None:
            button.disabled = False
            self._show_error(result)(exc)

        self.workers.run(lambda: self.maintenance.run_test(device, self.card_timeout_s), done, failed)

    def set_out_of_service(self, reason: str) -> None:
        self.workers.run(
            lambda: self.maintenance.set_out_of_service(reason),
            self._service_changed,
            self._show_error(self.service_label),
        )

    def set_in_service(self) -> None:
        self.workers.run(
            self.maintenance.set_in_service, self._service_changed, self._show_error(self.service_label)
        )

    def _service_changed(self, state: ServiceState) -> None:
        self.show_service(state)
        self.on_service_changed(state)
        self.refresh_logs()

    def _show_error(self, label: Label) -> Callable[[Exception], None]:
        def show(exc: Exception) -> None:
            label.text = text("maintenance.failed", self.language, error=type(exc).__name__)
            label.color = self.theme.palette.fault

        return show

    def leave(self, why: str) -> None:
        self.maintenance.leave(why)
        self.on_exit()

    # -- lifecycle -----------------------------------------------------------------------------
    def on_pre_enter(self, *_: Any) -> None:
        self.refresh_devices()
        self.show_service(self.maintenance.state)
        self.refresh_outbox()
        self.refresh_logs()
        for result in self.results.values():
            result.text = ""
        self._idle_event = Clock.schedule_interval(lambda _dt: self._check_idle(), IDLE_CHECK_S)

    def on_leave(self, *_: Any) -> None:
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None

    def on_touch_down(self, touch: Any) -> bool:
        self.maintenance.touched()
        return bool(super().on_touch_down(touch))

    def _check_idle(self) -> None:
        self.refresh_devices()
        if self.maintenance.idle_expired():
            self.leave("idle")


def _left(label: Label) -> Label:
    label.halign = "left"
    label.valign = "middle"
    label.bind(size=lambda lbl, size: setattr(lbl, "text_size", size))
    return label


def install_maintenance(
    manager: ScreenManager,
    theme: Theme,
    maintenance: Maintenance,
    workers: Workers,
    *,
    language: Language = "zh",
    home: str = "attract",
) -> Mapping[str, Screen]:
    """Add the PIN pad and the maintenance screen, and hook the attract screen: the hidden gesture
    opens the pad, and the out-of-service notice follows the technician's switch."""
    attract = manager.get_screen(home)

    def go(name: str) -> None:
        manager.current = name

    def accepted() -> None:
        maintenance.enter()
        go(MaintenanceScreen.NAME)

    def show_notice(state: ServiceState) -> None:
        attract.show_out_of_service(reason_text(state.reason, language) if state.out_of_service else None)

    pin = MaintenancePinScreen(
        theme, maintenance, workers, on_accepted=accepted, on_cancel=lambda: go(home), language=language
    )
    screen = MaintenanceScreen(
        theme,
        maintenance,
        workers,
        on_exit=lambda: go(home),
        on_service_changed=show_notice,
        language=language,
    )
    manager.add_widget(pin)
    manager.add_widget(screen)
    attract.enable_hidden_gesture(maintenance.gesture(), lambda: go(MaintenancePinScreen.NAME))
    show_notice(maintenance.state)
    return {pin.name: pin, screen.name: screen}
