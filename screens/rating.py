"""``好差评``: five levels from very satisfied to very dissatisfied, comment presets, send or skip."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.session.messages import RATINGS
from kiosk.session.states import Action, Stage
from kiosk.session.view import RatingDetail, View
from screens.buttons import BigButton, touch_size
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel


class RatingScreen(StageScreen):
    stage = Stage.RATING
    in_body = frozenset({Action.RATE, Action.COMMENT})

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, RatingDetail):
            return
        t, lang = theme, view.language
        self.levels: dict[str, BigButton] = {}
        levels = GridLayout(cols=2 if view.elderly else 1, spacing=t.px(14), size_hint_y=None)
        levels.bind(minimum_height=levels.setter("height"))
        for level in detail.levels:
            chosen = level == detail.chosen
            button = BigButton(
                t,
                RATINGS[level](lang),
                self.ctx.press(Action.RATE, str(level)),
                style="danger" if chosen else "secondary",
            )
            self.levels[str(level)] = button
            levels.add_widget(button)
        body.add_widget(levels)
        if not detail.presets:
            return
        body.add_widget(
            WrappedLabel(
                text=text("rating.comments", lang), font_size=t.font("body"), color=t.palette.text_muted
            )
        )
        grid = GridLayout(cols=2 if view.elderly else 3, spacing=t.px(16), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        grid.row_default_height = touch_size(t)
        self.presets: dict[str, BigButton] = {}
        for preset in detail.presets:
            ticked = preset in detail.comments
            label = ("✓ " if ticked else "") + preset
            button = BigButton(
                t, label, self.ctx.press(Action.COMMENT, preset), style="primary" if ticked else "secondary"
            )
            self.presets[preset] = button
            grid.add_widget(button)
        body.add_widget(grid)
