"""``请取走身份证，再见``: the member's data has been wiped; a moment before the attract screen returns."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.session.states import Stage
from kiosk.session.view import View
from screens.message import MessagePanel
from screens.stage import StageScreen
from screens.theme import Theme


class GoodbyeScreen(StageScreen):
    stage = Stage.GOODBYE

    def _message(self, view: View, theme: Theme) -> Widget | None:
        return None

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.text(view.message) if view.message is not None else ""
        body.add_widget(MessagePanel(theme, "ok", view.text(view.title), detail))
