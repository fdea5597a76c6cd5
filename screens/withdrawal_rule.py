"""The chosen type's rule in plain words, how it is approved, and the documents the member needs."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.session.states import Stage
from kiosk.session.view import RuleDetail, View
from screens.message import MessagePanel
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel


class WithdrawalRuleScreen(StageScreen):
    stage = Stage.WITHDRAWAL_RULE
    message_first = False

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, RuleDetail):
            return
        t, p, lang, option = theme, theme.palette, view.language, detail.option
        approval = (
            text(f"approval.{option.approval}", lang) if option.approval in ("instant", "review") else ""
        )
        body.add_widget(MessagePanel(t, "info", option.title, f"{option.basis}\n{approval}".strip()))
        if option.closes_account:
            body.add_widget(
                WrappedLabel(text=text("rule.closes", lang), font_size=t.font("body"), color=p.warning)
            )
        if option.documents:
            body.add_widget(
                WrappedLabel(
                    text=text("rule.documents", lang), font_size=t.font("body"), color=p.text, halign="left"
                )
            )
            for number, document in enumerate(option.documents, 1):
                body.add_widget(
                    WrappedLabel(
                        text=f"{number}. {document.title}",
                        font_size=t.font("body"),
                        color=p.text,
                        halign="left",
                    )
                )
