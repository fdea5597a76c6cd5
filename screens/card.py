"""``请放置身份证``: the card settling onto the reader, and why the last card could not be read."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk.session.states import Stage
from kiosk.session.view import View
from screens.card_illustration import CardOnReader
from screens.stage import StageScreen
from screens.theme import Theme


class CardScreen(StageScreen):
    stage = Stage.CARD
    picture: CardOnReader | None = None

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        self.picture = CardOnReader(theme, size_hint_y=None, height=theme.px(620))
        body.add_widget(self.picture)
        if self.manager is not None and self.manager.current == self.name:
            self.picture.start()

    def on_enter(self, *args: Any) -> None:
        super().on_enter(*args)
        if self.picture is not None:
            self.picture.start()

    def on_leave(self, *_: Any) -> None:
        if self.picture is not None:
            self.picture.stop()
