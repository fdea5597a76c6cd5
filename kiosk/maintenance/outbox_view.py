"""The outbox as the technician sees it: kind, state, age and attempts, never a body or a token."""

from __future__ import annotations

import time
from dataclasses import dataclass

from kiosk.masking import scrub
from kiosk.outbox.store import Outbox, State


@dataclass(frozen=True, slots=True)
class OutboxRow:
    key_hint: str  # the first 8 characters of the Idempotency-Key, to match the back end's logs
    kind: str
    state: str
    age_s: float
    attempts: int
    last_error: str  # scrubbed and cut short


def outbox_rows(outbox: Outbox, limit: int = 30, now: float | None = None) -> list[OutboxRow]:
    """Items waiting to be sent, then those a person must look at, oldest first."""
    now = time.time() if now is None else now
    items = outbox.open_items(limit) + outbox.items(State.NEEDS_PERSON)
    return [
        OutboxRow(
            key_hint=item.key[:8],
            kind=item.kind,
            state=item.state.value,
            age_s=max(0.0, now - item.created_at),
            attempts=item.attempts,
            last_error=scrub(item.last_error or "")[:80],
        )
        for item in items[:limit]
    ]
