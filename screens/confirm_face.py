"""``再次核验人脸``: the second look at the face before the money moves (or the card tapped again)."""

from __future__ import annotations

from kiosk.session.states import Stage
from screens.face import FaceScreen


class ConfirmFaceScreen(FaceScreen):
    stage = Stage.CONFIRM_FACE
