"""``输入提取金额``: the balance, a number pad in yuan, "whole balance" where the type allows it.

The typed amount stays on this screen until OK, which sends it to the flow in fen."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.session.states import Action, Stage
from kiosk.session.view import AmountDetail, View
from screens.formatting import amount_entry, fen_of, typed_of, yuan
from screens.message import MessagePanel
from screens.numpad import NumberPad
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel


class WithdrawalAmountScreen(StageScreen):
    stage = Stage.WITHDRAWAL_AMOUNT
    in_body = frozenset({Action.ENTER_AMOUNT})
    typed = ""
    pad: NumberPad | None = None

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, AmountDetail):
            return
        t, lang = theme, view.language
        if detail.balance_fen is not None:
            body.add_widget(
                WrappedLabel(
                    text=text("amount.balance", lang, balance=yuan(detail.balance_fen, lang)),
                    font_size=t.font("body"),
                    color=t.palette.primary,
                )
            )
        if detail.whole_balance:
            body.add_widget(MessagePanel(t, "warning", detail.option.title, text("rule.closes", lang)))
            return
        self.typed = typed_of(detail.amount_fen)
        self.pad = NumberPad(
            t, lang, self._shown(lang), text("amount.placeholder", lang), self._key, decimal=True
        )
        body.add_widget(self.pad)
        if Action.ENTER_AMOUNT in view.buttons:
            body.add_widget(self.button(t, view, Action.ENTER_AMOUNT, style="danger"))
            self._enable_ok()

    def _shown(self, language: str) -> str:
        return f"{self.typed} {'元' if language == 'zh' else 'yuan'}" if self.typed else ""

    def _key(self, key: str) -> None:
        self.typed = amount_entry(self.typed, key)
        if self.pad is not None and self.view is not None:
            lang = self.view.language
            self.pad.show(self._shown(lang) or text("amount.placeholder", lang), bool(self.typed))
        self._enable_ok()

    def _enable_ok(self) -> None:
        ok = self.buttons.get(Action.ENTER_AMOUNT)
        fen = fen_of(self.typed)
        if ok is not None:
            ok.disabled = not fen
            ok.rebind(self.ctx.press(Action.ENTER_AMOUNT, str(fen or 0)))
