"""What every member screen gets from the app wiring: themes, where touches go, the speaker, the camera."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.session.events import Press, ScreenEvent
from kiosk.session.states import Action
from screens.camera_preview import Box, FrameSource
from screens.speaker import SilentSpeaker, Speaker
from screens.theme import Theme

ELDERLY_TEXT_SCALE = 1.3


@dataclass(frozen=True)
class ScreenContext:
    theme: Theme
    send: Callable[[ScreenEvent], None]  # into the flow (the app wiring calls SessionFlow.handle)
    speaker: Speaker = field(default_factory=SilentSpeaker)
    frames: FrameSource | None = None  # the camera's newest frame, for the preview
    face_box: Callable[[], Box | None] | None = None  # where the verifier last found the face

    def theme_for(self, elderly: bool) -> Theme:
        if not elderly:
            return self.theme
        return Theme(scale=self.theme.scale, text_scale=ELDERLY_TEXT_SCALE, palette=self.theme.palette)

    def press(self, action: Action, value: str = "") -> Callable[[], None]:
        """A callback for a button: sends ``Press(action, value)``."""
        return lambda: self.send(Press(action, value))
