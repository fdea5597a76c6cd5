"""``请放回身份证``: the card left the reader during a money step; the same card must come back."""

from __future__ import annotations

from kiosk.session.states import Stage
from screens.card import CardScreen


class CardReturnScreen(CardScreen):
    stage = Stage.CARD_RETURN
