"""The withdrawal is being submitted (through the outbox)."""

from __future__ import annotations

from kiosk.session.states import Stage
from screens.waiting import WaitingScreen


class SubmittingScreen(WaitingScreen):
    stage = Stage.SUBMITTING
