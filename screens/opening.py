"""The back end opens the member's session after the face was verified."""

from __future__ import annotations

from kiosk.session.states import Stage
from screens.waiting import WaitingScreen


class OpeningScreen(WaitingScreen):
    stage = Stage.OPENING
