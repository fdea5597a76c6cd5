"""The certificate is on its way to the printer."""

from __future__ import annotations

from kiosk.session.states import Stage
from screens.waiting import WaitingScreen


class PrintingScreen(WaitingScreen):
    stage = Stage.PRINTING
