"""The frame every member screen shares, drawn from the flow's :class:`~kiosk.session.view.View`:
the header (back, language, elderly mode, exit, the title), the countdown, the stage's own body, the
message, and the stage's buttons at the foot.

A screen is rebuilt when its view changes in anything but the countdown; the countdown alone only moves
the bar. Any touch tells the flow the member is still there (:class:`~kiosk.session.events.Touch`).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.session.events import Touch
from kiosk.session.messages import ACTIONS
from kiosk.session.states import Action, Stage
from kiosk.session.view import View
from screens.buttons import BigButton, Style
from screens.context import ScreenContext
from screens.countdown import Countdown
from screens.header import Header, Labels
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel

CHROME = frozenset({Action.BACK, Action.EXIT, Action.LANGUAGE, Action.ELDERLY})
STRONG = frozenset({Action.CONFIRM, Action.PRINT, Action.START, Action.SUBMIT_RATING, Action.FINISH})


def _scrolling(body: BoxLayout) -> ScrollView:
    """``body`` fills the space between header and foot, and scrolls if it is ever taller (it never is
    at the reference size, but a smaller panel in the elderly mode must still show everything)."""
    scroll = ScrollView(do_scroll_x=False, bar_width=8)
    body.size_hint_y = None

    def fit(*_: Any) -> None:
        body.height = max(body.minimum_height, scroll.height)
        # Scroll only when it must: a ScrollView holds every touch back until it knows it is no swipe.
        scroll.do_scroll_y = body.minimum_height > scroll.height + 1

    body.bind(minimum_height=fit)
    scroll.bind(height=fit)
    scroll.add_widget(body)
    return scroll


class StageScreen(Screen):
    """Subclasses name their ``stage`` and fill :meth:`build_body`; ``in_body`` are the actions the body
    draws itself (a list of types, a number pad's OK), which the foot then leaves out."""

    stage: ClassVar[Stage]
    in_body: ClassVar[frozenset[Action]] = frozenset()
    message_first: ClassVar[bool] = True  # the message above the body (else below it)
    # False: the body fits itself to the space it gets (a live picture under a scroll view's stencil
    # costs a software GL two extra fills of the body per frame)
    scrolls: ClassVar[bool] = True

    def __init__(self, ctx: ScreenContext, **kwargs: Any) -> None:
        super().__init__(name=str(self.stage), **kwargs)
        self.ctx = ctx
        self.view: View | None = None
        self.countdown: Countdown | None = None
        self.buttons: dict[Action, BigButton] = {}
        self._content: View | None = None
        self._total: int | None = None
        # No background of its own: the window clears to the theme's background (and a transition's
        # frames to the same colour); a full-window rectangle more costs a software GL a fill per frame.

    # -- drawing --------------------------------------------------------------------------------
    def show(self, view: View) -> None:
        content = dataclasses.replace(view, seconds_left=None)
        if content != self._content:
            self._content = content
            self.view = view
            self.clear_widgets()
            self.buttons = {}
            self.add_widget(self._page(view, self.ctx.theme_for(view.elderly)))
            self._total = view.seconds_left
        self._count(view)
        self.view = view

    def _count(self, view: View) -> None:
        left = view.seconds_left
        previous = self.view.seconds_left if self.view is not None else None
        if left is not None and (self._total is None or previous is None or left > previous):
            self._total = max(left, 1)  # a new stage, or a touch started the countdown again
        if self.countdown is not None:
            self.countdown.show(left, self._total)

    def _page(self, view: View, theme: Theme) -> Widget:
        t, lang = theme, view.language
        page = BoxLayout(orientation="vertical")
        back, exit_ = Action.BACK in view.buttons, Action.EXIT in view.buttons
        self.header = Header(
            t,
            view.text(view.title),
            labels=Labels(
                back=ACTIONS[Action.BACK](lang),
                exit=ACTIONS[Action.EXIT](lang),
                language=ACTIONS[Action.LANGUAGE](lang),
                elderly=ACTIONS[Action.ELDERLY](lang),
                normal=text("elderly.normal", lang),
            ),
            on_back=self._press(Action.BACK) if back else None,
            on_exit=self._press(Action.EXIT) if exit_ else None,
            on_language=self._press(Action.LANGUAGE),
            on_elderly=self._press(Action.ELDERLY),
            elderly=view.elderly,
        )
        page.add_widget(self.header)
        self.countdown = Countdown(t, lang)
        page.add_widget(self.countdown)
        body = BoxLayout(orientation="vertical", padding=(t.margin, t.px(24)), spacing=t.px(24))
        message = self._message(view, t)
        if message is not None and self.message_first:
            body.add_widget(message)
        self.build_body(body, view, t)
        if message is not None and not self.message_first:
            body.add_widget(message)
        body.add_widget(Widget())  # the rest of the height stays empty, below the content
        page.add_widget(_scrolling(body) if self.scrolls else body)
        foot = [a for a in view.buttons if a not in CHROME and a not in self.in_body]
        if foot:
            page.add_widget(self._foot(view, t, foot))
        return page

    def _message(self, view: View, theme: Theme) -> Widget | None:
        if view.message is None:
            return None
        return WrappedLabel(
            text=view.text(view.message), font_size=theme.font("heading"), color=theme.palette.text
        )

    def _foot(self, view: View, theme: Theme, actions: list[Action]) -> Widget:
        t = theme
        foot = BoxLayout(
            orientation="horizontal",
            size_hint_y=None,
            padding=(t.margin, t.px(20)),
            spacing=t.px(24),
        )
        for action in actions:
            style: Style = "danger" if action in STRONG else "primary"
            button = self.button(t, view, action, style=style)
            foot.add_widget(button)
        foot.height = max(b.height for b in foot.children) + t.px(40)
        return foot

    def button(
        self,
        theme: Theme,
        view: View,
        action: Action,
        value: str = "",
        *,
        style: Style = "primary",
        **kw: Any,
    ) -> BigButton:
        """A button that sends ``Press(action, value)``; while the flow is busy only back and exit work."""
        label = kw.pop("label", None) or ACTIONS[action](view.language)
        button = BigButton(theme, label, self._press(action, value), style=style, **kw)
        button.disabled = view.busy and action not in CHROME
        self.buttons[action] = button
        return button

    def _press(self, action: Action, value: str = "") -> Any:
        return self.ctx.press(action, value)

    # -- what a stage adds ------------------------------------------------------------------------
    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        """Add the stage's own widgets to ``body`` (between the message and the buttons)."""

    # -- touches and voice ---------------------------------------------------------------------
    def on_touch_down(self, touch: Any) -> bool:
        self.ctx.send(Touch())
        return bool(super().on_touch_down(touch))

    def on_enter(self, *_: Any) -> None:
        if self.view is not None and self.view.message is not None:
            self.ctx.speaker.say(self.view.text(self.view.message), self.view.language)
