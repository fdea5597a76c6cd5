"""A failure, said calmly: what happened and what to do (retry, or go to the counter)."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.session.states import Stage
from kiosk.session.view import View
from screens.message import MessagePanel
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme


class ErrorScreen(StageScreen):
    stage = Stage.ERROR

    def _message(self, view: View, theme: Theme) -> Widget | None:
        return None  # the message is in the panel

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.text(view.message) if view.message is not None else ""
        body.add_widget(MessagePanel(theme, "fault", text("error.headline", view.language), detail))
        for line in view.extra:
            body.add_widget(MessagePanel(theme, "info", view.text(line)))
