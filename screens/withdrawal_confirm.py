"""``确认提取信息``: the type, the amount (or the whole balance), the bank card, and the approval, read back
before anything is submitted."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.session.states import Stage
from kiosk.session.view import ConfirmDetail, View
from screens.formatting import yuan
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import Panel, WrappedLabel


class WithdrawalConfirmScreen(StageScreen):
    stage = Stage.WITHDRAWAL_CONFIRM
    message_first = False

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, ConfirmDetail):
            return
        t, p, lang = theme, theme.palette, view.language
        if detail.amount_fen is None:
            amount = text("confirm.whole_balance", lang)
            if detail.balance_fen is not None:
                amount += f"（{yuan(detail.balance_fen, lang)}）"
        else:
            amount = yuan(detail.amount_fen, lang)
        rows = [
            ("confirm.name", view.name_masked or ""),
            ("confirm.type", detail.option.title),
            ("confirm.amount", amount),
            ("confirm.bank_card", detail.bank_card_masked),
        ]
        if detail.option.approval in ("instant", "review"):
            rows.append(("confirm.approval", text(f"approval.{detail.option.approval}", lang)))
        panel = Panel(p.surface, radius=t.px(16), orientation="vertical", size_hint_y=None, padding=t.px(28))
        grid = GridLayout(cols=2, size_hint_y=None, spacing=(t.px(20), t.px(18)))
        grid.bind(minimum_height=grid.setter("height"))
        for key, value in rows:
            grid.add_widget(
                WrappedLabel(
                    text=text(key, lang),
                    font_size=t.font("body"),
                    color=p.text_muted,
                    halign="left",
                    size_hint_x=0.3,
                )
            )
            grid.add_widget(
                WrappedLabel(text=value, font_size=t.font("body"), color=p.text, halign="left", bold=True)
            )
        panel.add_widget(grid)
        panel.bind(minimum_height=panel.setter("height"))
        body.add_widget(panel)
