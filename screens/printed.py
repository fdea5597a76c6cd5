"""The certificate printed (take it), or why not, with "print again" while it may be tried again."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.session.states import Action, Stage
from kiosk.session.view import View
from screens.message import MessagePanel
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme


class PrintedScreen(StageScreen):
    stage = Stage.PRINTED

    def _message(self, view: View, theme: Theme) -> Widget | None:
        return None

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        message = view.text(view.message) if view.message is not None else ""
        failed = Action.REPRINT in view.buttons or bool(view.extra)
        headline = text("printed.failed" if failed else "printed.ok", view.language)
        body.add_widget(MessagePanel(theme, "warning" if failed else "ok", headline, message))
        for line in view.extra:
            body.add_widget(MessagePanel(theme, "info", view.text(line)))
