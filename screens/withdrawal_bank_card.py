"""``输入本人银行卡号``: a number pad for the card's digits, read back in groups of four, or the card the
fund center has on file."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.session.states import Action, Stage
from kiosk.session.view import BankCardDetail, View
from screens.formatting import card_entry, grouped
from screens.numpad import NumberPad
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel

MIN_CARD_DIGITS = 16


class WithdrawalBankCardScreen(StageScreen):
    stage = Stage.WITHDRAWAL_BANK_CARD
    in_body = frozenset({Action.ENTER_BANK_CARD})
    typed = ""
    pad: NumberPad | None = None

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        t, lang = theme, view.language
        if isinstance(detail, BankCardDetail) and detail.last4_on_file:
            body.add_widget(
                WrappedLabel(
                    text=text("bank_card.on_file", lang, last4=detail.last4_on_file),
                    font_size=t.font("caption"),
                    color=t.palette.text_muted,
                )
            )
        self.typed = ""  # never kept across screens: the digits live only while typed
        self.pad = NumberPad(t, lang, "", text("bank_card.placeholder", lang), self._key, decimal=False)
        body.add_widget(self.pad)
        if Action.ENTER_BANK_CARD in view.buttons:
            body.add_widget(self.button(t, view, Action.ENTER_BANK_CARD, style="danger"))
            self._enable_ok()

    def _key(self, key: str) -> None:
        self.typed = card_entry(self.typed, key)
        if self.pad is not None and self.view is not None:
            self.pad.show(
                grouped(self.typed) or text("bank_card.placeholder", self.view.language), bool(self.typed)
            )
        self._enable_ok()

    def _enable_ok(self) -> None:
        ok = self.buttons.get(Action.ENTER_BANK_CARD)
        if ok is not None:
            ok.disabled = len(self.typed) < MIN_CARD_DIGITS
            ok.rebind(self.ctx.press(Action.ENTER_BANK_CARD, self.typed))

    def on_leave(self, *_: object) -> None:
        self.typed = ""
        if self.pad is not None:
            self.pad.show("", False)
