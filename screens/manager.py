"""The screen manager: one screen per flow state (only the attract screen so far)."""

from __future__ import annotations

from typing import Protocol

from kivy.uix.screenmanager import FadeTransition, ScreenManager

from screens.attract import AttractScreen
from screens.theme import Theme


class _KioskInfo(Protocol):
    device_id: str
    center_name: str
    hall_name: str
    hotline: str
    language: str


class _Config(Protocol):
    @property
    def kiosk(self) -> _KioskInfo: ...


def build_screen_manager(theme: Theme, cfg: _Config) -> ScreenManager:
    manager = ScreenManager(transition=FadeTransition(duration=0.15))
    info = cfg.kiosk
    language = "en" if info.language == "en" else "zh"
    manager.add_widget(AttractScreen(theme, info.center_name, info.hall_name, info.hotline, info.device_id,
                                     language=language))
    return manager
