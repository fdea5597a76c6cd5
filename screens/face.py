"""``人脸识别``: the live camera picture (mirrored) with the oval guide and the face box, the prompt in large
type (the liveness challenge: blink, turn left, turn right), and which attempt this is.

The preview runs on the screen's own clock at the camera's rate while the screen is shown; the flow's
view changes only the prompt and the colours, never the picture. A new step of the verification (a
prompt, its colour) is changed in place, not by rebuilding the page: that would cost the preview
several frames each time. The liveness challenge is also spoken.
"""

from __future__ import annotations

import dataclasses
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
PREVIEW_HEIGHT, PREVIEW_MIN_HEIGHT = 900, 360  # reference pixels
GOOD_STEPS = frozenset({"face_found", "hold_still", "verified"})


class FaceScreen(StageScreen):
    stage = Stage.FACE
    message_first = False
    scrolls = False  # the picture gives up height when the prompt needs it (elderly type, English)
    preview: CameraPreview | None = None
    prompt: WrappedLabel | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pump = Clock.create_trigger(self._next_frame, 1 / PREVIEW_HZ, interval=True)

    def _message(self, view: View, theme: Theme) -> Widget | None:
        return None  # the prompt sits under the picture, built with it

    def show(self, view: View) -> None:
        if self.prompt is None or not self._same_page(view):
            super().show(view)
            return
        before = self.view
        self._content = dataclasses.replace(view, seconds_left=None)
        words, good = self._prompt_of(view)
        p = self.ctx.theme_for(view.elderly).palette
        self.prompt.text, self.prompt.color = words, p.ok if good else p.accent
        if self.preview is not None:
            self.preview.show_box(None, p.ok if good else p.warning)
        self._count(view)
        self.view = view
        detail = view.detail
        if (
            isinstance(detail, FaceDetail)
            and detail.step == "challenge"
            and (before is None or before.message != view.message)
        ):
            self.ctx.speaker.say(words, view.language)

    def _same_page(self, view: View) -> bool:
        """Whether ``view`` differs from the page shown only in the step (prompt, colour, countdown)."""
        shown = self._content
        if shown is None or not isinstance(view.detail, FaceDetail):
            return False
        if not isinstance(shown.detail, FaceDetail):
            return False
        now, then = view.detail, shown.detail
        same_try = (now.attempt, now.attempts) == (then.attempt, then.attempts)
        rest = dataclasses.replace(view, seconds_left=None, message=None, detail=None)
        return same_try and rest == dataclasses.replace(shown, message=None, detail=None)

    @staticmethod
    def _prompt_of(view: View) -> tuple[str, bool]:
        """The prompt's words, and whether the step is a good one (green) or asks something (orange)."""
        detail = view.detail if isinstance(view.detail, FaceDetail) else None
        good = detail is not None and detail.step in GOOD_STEPS
        words = view.text(view.message) if view.message is not None else text("face.look", view.language)
        return words, good

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        t, p = theme, theme.palette
        if self.preview is None:
            self.preview = CameraPreview(t, size_hint_y=None, height=t.px(PREVIEW_HEIGHT))
        elif self.preview.parent is not None:
            self.preview.parent.remove_widget(self.preview)
        self.preview.height = t.px(PREVIEW_HEIGHT)
        body.add_widget(self.preview)
        body.bind(
            height=lambda *_: self._fit_preview(body, t), minimum_height=lambda *_: self._fit_preview(body, t)
        )
        detail = view.detail if isinstance(view.detail, FaceDetail) else None
        words, good = self._prompt_of(view)
        self.preview.show_box(None, p.ok if good else p.warning)
        self.prompt = WrappedLabel(
            text=words, font_size=t.font("call_to_action"), color=p.ok if good else p.accent, bold=True
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

    def _fit_preview(self, body: BoxLayout, theme: Theme) -> None:
        """The picture as tall as :data:`PREVIEW_HEIGHT`, or as the body leaves it beside the rest."""
        preview = self.preview
        if preview is None or preview.parent is not body:
            return
        others = body.minimum_height - preview.height
        preview.height = max(
            theme.px(PREVIEW_MIN_HEIGHT), min(theme.px(PREVIEW_HEIGHT), body.height - others)
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
