"""``办理结果``: accepted (the receipt number and the amount), in review, submitted with the result to come by
SMS, refused with the back end's reason, or not submitted at all; then what became of the receipt."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.session.data import SubmissionKind
from kiosk.session.messages import MESSAGES
from kiosk.session.states import Stage
from kiosk.session.view import ResultDetail, View
from screens.formatting import yuan
from screens.message import MessagePanel, Tone
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel

TONES: dict[SubmissionKind, Tone] = {
    SubmissionKind.ACCEPTED: "ok",
    SubmissionKind.IN_REVIEW: "ok",
    SubmissionKind.PENDING: "info",
    SubmissionKind.REFUSED: "fault",
    SubmissionKind.NOT_RECORDED: "fault",
}


class ResultScreen(StageScreen):
    stage = Stage.RESULT

    def _message(self, view: View, theme: Theme) -> Widget | None:
        return None

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, ResultDetail):
            return
        t, lang = theme, view.language
        headline = view.text(view.message) if view.message is not None else ""
        facts = []
        if detail.reference:
            facts.append(text("result.reference", lang, reference=detail.reference))
        if detail.amount_fen is not None:
            facts.append(text("result.amount", lang, amount=yuan(detail.amount_fen, lang)))
        body.add_widget(MessagePanel(t, TONES[detail.kind], headline, "\n".join(facts)))
        for line in view.extra:
            body.add_widget(
                WrappedLabel(text=view.text(line), font_size=t.font("body"), color=t.palette.text)
            )
        if detail.receipt is not None:
            printed = detail.receipt == MESSAGES["printed"]
            tone: Tone = "ok" if printed and not detail.can_reprint else "warning"
            body.add_widget(MessagePanel(t, tone, text("result.receipt", lang), view.text(detail.receipt)))
