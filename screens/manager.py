"""The screen manager: one screen per flow state (only the attract screen so far)."""

from __future__ import annotations

from kivy.uix.screenmanager import FadeTransition, ScreenManager

from kiosk.config import KioskSection
from screens.attract import AttractScreen
from screens.theme import Theme


def build_screen_manager(theme: Theme, kiosk: KioskSection) -> ScreenManager:
    manager = ScreenManager(transition=FadeTransition(duration=0.15))
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
