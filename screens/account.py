"""``账户查询``: the balance first and large, the facts, then recent transactions a page at a time."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label

from kiosk.session.data import AccountSummary
from kiosk.session.states import Action, Stage
from kiosk.session.view import AccountDetail, View
from screens.formatting import yuan
from screens.paged_list import PagedList
from screens.stage import StageScreen
from screens.strings import Language, text
from screens.theme import Theme
from screens.widgets import Panel, WrappedLabel


class AccountScreen(StageScreen):
    stage = Stage.ACCOUNT
    in_body = frozenset({Action.PREVIOUS_PAGE, Action.NEXT_PAGE})

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, AccountDetail) or detail.account is None:
            return  # loading: the message says so
        lang = view.language
        body.add_widget(_summary(theme, lang, detail.account))
        body.add_widget(
            WrappedLabel(
                text=text("account.recent", lang),
                font_size=theme.font("body"),
                color=theme.palette.text_muted,
                halign="left",
            )
        )
        rows = [
            (
                f"{row.booked_on:%Y-%m-%d}  {_kind(row.kind, lang)}  {row.memo}".rstrip(),
                ("+" if row.amount_fen > 0 else "") + yuan(row.amount_fen, lang),
            )
            for row in detail.rows
        ]
        body.add_widget(
            PagedList(
                theme,
                lang,
                rows,
                page=detail.page,
                pages=detail.pages,
                on_previous=self.ctx.press(Action.PREVIOUS_PAGE),
                on_next=self.ctx.press(Action.NEXT_PAGE),
            )
        )


def _kind(kind: str, language: Language) -> str:
    key = f"movement.{kind}"
    return text(key, language) if key in _KNOWN else kind


_KNOWN = frozenset(
    f"movement.{k}"
    for k in ("deposit", "withdrawal", "interest", "transfer_in", "transfer_out", "adjustment")
)


def _summary(theme: Theme, language: Language, account: AccountSummary) -> Panel:
    t, p = theme, theme.palette
    panel = Panel(p.surface, radius=t.px(16), orientation="vertical", size_hint_y=None, padding=t.px(28))
    panel.spacing = t.px(12)
    panel.add_widget(
        Label(
            text=text("account.balance", language),
            font_size=t.font("body"),
            color=p.text_muted,
            size_hint_y=None,
            height=t.font("body") * 1.5,
        )
    )
    panel.add_widget(
        Label(
            text=yuan(account.balance_fen, language),
            font_size=t.font("call_to_action"),
            color=p.primary,
            bold=True,
            size_hint_y=None,
            height=t.font("call_to_action") * 1.4,
        )
    )
    facts = [
        ("account.name", account.name_masked),
        ("account.number", account.account_masked),
        ("account.employer", account.employer_name),
        ("account.status", _status(account.status, language)),
        ("account.monthly", yuan(account.monthly_amount_fen, language)),
        ("account.paid_up_to", account.paid_up_to),
    ]
    grid = GridLayout(cols=2, size_hint_y=None, spacing=(t.px(20), t.px(8)))
    grid.bind(minimum_height=grid.setter("height"))
    for key, value in facts:
        grid.add_widget(
            WrappedLabel(
                text=text(key, language),
                font_size=t.font("caption"),
                color=p.text_muted,
                halign="left",
                size_hint_x=0.35,
            )
        )
        grid.add_widget(WrappedLabel(text=value, font_size=t.font("caption"), color=p.text, halign="left"))
    panel.add_widget(grid)
    panel.bind(minimum_height=panel.setter("height"))
    return panel


def _status(status: str, language: Language) -> str:
    key = f"account.status.{status}"
    return text(key, language) if key in _STATUSES else status


_STATUSES = frozenset(f"account.status.{s}" for s in ("normal", "sealed", "closed"))
