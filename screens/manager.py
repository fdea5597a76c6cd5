"""The screen manager: the attract screen and one screen per stage of the member's session.

:class:`SessionScreens` shows a :class:`~kiosk.session.view.View`: it switches to the stage's screen and
lets that screen draw it. It holds no state of its own beyond what is on the screens.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.screenmanager import FadeTransition, ScreenManager

from kiosk.config import KioskSection
from kiosk.session.states import Action, Stage
from kiosk.session.view import View
from screens.account import AccountScreen
from screens.attract import AttractScreen
from screens.card import CardScreen
from screens.card_return import CardReturnScreen
from screens.certificate import CertificateScreen
from screens.confirm_face import ConfirmFaceScreen
from screens.context import ScreenContext
from screens.error import ErrorScreen
from screens.face import FaceScreen
from screens.goodbye import GoodbyeScreen
from screens.menu import MenuScreen
from screens.opening import OpeningScreen
from screens.printed import PrintedScreen
from screens.printing import PrintingScreen
from screens.rating import RatingScreen
from screens.result import ResultScreen
from screens.stage import StageScreen
from screens.submitting import SubmittingScreen
from screens.theme import Theme
from screens.withdrawal_amount import WithdrawalAmountScreen
from screens.withdrawal_bank_card import WithdrawalBankCardScreen
from screens.withdrawal_confirm import WithdrawalConfirmScreen
from screens.withdrawal_rule import WithdrawalRuleScreen
from screens.withdrawal_type import WithdrawalTypeScreen

STAGE_SCREENS: tuple[type[StageScreen], ...] = (
    CardScreen,
    FaceScreen,
    OpeningScreen,
    MenuScreen,
    AccountScreen,
    CertificateScreen,
    PrintingScreen,
    PrintedScreen,
    WithdrawalTypeScreen,
    WithdrawalRuleScreen,
    WithdrawalAmountScreen,
    WithdrawalBankCardScreen,
    WithdrawalConfirmScreen,
    ConfirmFaceScreen,
    SubmittingScreen,
    ResultScreen,
    RatingScreen,
    CardReturnScreen,
    ErrorScreen,
    GoodbyeScreen,
)


def build_screen_manager(theme: Theme, kiosk: KioskSection) -> ScreenManager:
    # The screens draw no background of their own: the fade's frames clear to the window's colour.
    manager = ScreenManager(transition=FadeTransition(duration=0.15, clearcolor=theme.palette.background))
    manager.add_widget(
        AttractScreen(
            theme,
            center_name=kiosk.center_name,
            hall_name=kiosk.hall_name,
            hotline=kiosk.hotline,
            device_id=kiosk.device_id,
            language=kiosk.language,
        )
    )
    return manager


class SessionScreens:
    """The member screens on top of the attract screen's manager."""

    def __init__(self, manager: ScreenManager, ctx: ScreenContext) -> None:
        self.manager = manager
        self.ctx = ctx
        self.screens: dict[Stage, StageScreen] = {}
        for cls in STAGE_SCREENS:
            screen = cls(ctx)
            self.screens[cls.stage] = screen
            manager.add_widget(screen)
        self.attract: AttractScreen = manager.get_screen("attract")
        # A lambda, on purpose: Kivy holds a bound method only weakly, and the touch was lost.
        self.attract.fbind("on_touch_down", lambda screen, touch: self._attract_touched(screen, touch))  # noqa: PLW0108
        self.view: View | None = None

    def show(self, view: View) -> None:
        self.view = view
        if view.stage is Stage.ATTRACT:
            self.manager.current = "attract"
            return
        screen = self.screens[view.stage]
        screen.show(view)
        if self.manager.current != screen.name:
            self.manager.current = screen.name

    @property
    def current(self) -> Any:
        return self.manager.current_screen

    def _attract_touched(self, _screen: Any, touch: Any) -> bool:
        if self.attract.in_hidden_corner(touch):
            return False  # perhaps a technician's hidden gesture: no member session begins
        if self.view is not None and self.view.stage is Stage.ATTRACT and Action.START in self.view.buttons:
            self.ctx.press(Action.START)()
        return False
