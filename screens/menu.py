"""``请选择业务``: the member's masked name and one big tile per service."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.session.states import Action, Stage
from kiosk.session.view import View
from screens.buttons import touch_size
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel

SERVICES = (Action.ACCOUNT, Action.CERTIFICATE, Action.WITHDRAWAL)


class MenuScreen(StageScreen):
    stage = Stage.MENU
    in_body = frozenset(SERVICES)

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        t = theme
        if view.name_masked:
            body.add_widget(
                WrappedLabel(
                    text=text("menu.greeting", view.language, name=view.name_masked),
                    font_size=t.font("heading"),
                    color=t.palette.primary,
                )
            )
        for action in SERVICES:
            if action in view.buttons:
                body.add_widget(
                    self.button(
                        t,
                        view,
                        action,
                        font_role="title",
                        height=max(touch_size(t), t.px(220)) * t.text_scale,
                    )
                )
