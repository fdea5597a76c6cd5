"""``选择提取类型``: one big button per withdrawal type the back end offers, a page at a time."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.session.states import Action, Stage
from kiosk.session.view import TypesDetail, View
from screens.buttons import BigButton
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme


class WithdrawalTypeScreen(StageScreen):
    stage = Stage.WITHDRAWAL_TYPE
    in_body = frozenset({Action.CHOOSE_TYPE, Action.PREVIOUS_PAGE, Action.NEXT_PAGE})

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, TypesDetail) or detail.options is None:
            return
        lang = view.language
        self.type_buttons: list[BigButton] = []
        for option in detail.options:
            approval = (
                text(f"approval.{option.approval}", lang) if option.approval in ("instant", "review") else ""
            )
            label = f"{option.title}  {approval}".strip()
            button = BigButton(
                theme, label, self.ctx.press(Action.CHOOSE_TYPE, option.code), style="secondary"
            )
            button.disabled = view.busy
            self.type_buttons.append(button)
            body.add_widget(button)
        if detail.pages > 1:
            nav = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=theme.px(24))
            previous = self.button(theme, view, Action.PREVIOUS_PAGE, style="quiet")
            following = self.button(theme, view, Action.NEXT_PAGE, style="quiet")
            previous.disabled = detail.page <= 0
            following.disabled = detail.page >= detail.pages - 1
            nav.height = previous.height
            nav.add_widget(previous)
            nav.add_widget(following)
            body.add_widget(nav)
