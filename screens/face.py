"""``人脸识别``: the live camera picture (mirrored) with the oval guide and the face box, the prompt in large
type (the liveness challenge: blink, turn left, turn right), and which attempt this is.

The preview runs on the screen's own clock at the camera's rate while the screen is shown; the flow's
view changes only the prompt and the colours, never the picture.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.session.states import Stage
from kiosk.session.view import FaceDetail, View
from screens.camera_preview import CameraPreview
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme
from screens.widgets import WrappedLabel

PREVIEW_HZ = 30.0
GOOD_STEPS = frozenset({"face_found", "hold_still", "verified"})


class FaceScreen(StageScreen):
    stage = Stage.FACE
    message_first = False
    preview: CameraPreview | None = None
    prompt: WrappedLabel | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pump = Clock.create_trigger(self._next_frame, 1 / PREVIEW_HZ, interval=True)

    def _message(self, view: View, theme: Theme) -> Widget | None:
        return None  # the prompt sits under the picture, built with it

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        t, p = theme, theme.palette
        if self.preview is None:
            self.preview = CameraPreview(t, size_hint_y=None, height=t.px(900))
        elif self.preview.parent is not None:
            self.preview.parent.remove_widget(self.preview)
        self.preview.height = t.px(900)
        body.add_widget(self.preview)
        detail = view.detail if isinstance(view.detail, FaceDetail) else None
        good = detail is not None and detail.step in GOOD_STEPS
        colour = p.ok if good else p.warning
        self.preview.show_box(None, colour)
        prompt = view.text(view.message) if view.message is not None else text("face.look", view.language)
        self.prompt = WrappedLabel(
            text=prompt, font_size=t.font("call_to_action"), color=p.ok if good else p.accent, bold=True
        )
        body.add_widget(self.prompt)
        if detail is not None and detail.attempts > 1:
            body.add_widget(
                WrappedLabel(
                    text=text(
                        "face.attempt", view.language, attempt=detail.attempt, attempts=detail.attempts
                    ),
                    font_size=t.font("caption"),
                    color=p.text_muted,
                )
            )

    def _next_frame(self, _dt: float) -> None:
        preview, frames = self.preview, self.ctx.frames
        if preview is None or frames is None:
            return
        if preview.pump(frames) and self.ctx.face_box is not None:
            preview.show_box(self.ctx.face_box())

    def on_enter(self, *args: Any) -> None:
        super().on_enter(*args)
        self._pump()

    def on_pre_enter(self, *_: Any) -> None:
        self._pump()

    def on_leave(self, *_: Any) -> None:
        self._pump.cancel()
        if self.preview is not None:
            self.preview.clear()  # the member's face leaves the screen with the member
