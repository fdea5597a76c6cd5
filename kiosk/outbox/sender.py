"""Delivers outbox items exactly once: same key on every try, ask before re-sending an unknown.

``drain_once`` is one pass (the tests and the member's immediate submit use it); ``run`` loops on
a worker thread until stopped. A crash between any two steps is safe: the item is still open with
its key, and the next pass asks or re-sends under that key.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from kiosk.client import errors
from kiosk.client.policy import BACKGROUND, TransportPolicy
from kiosk.client.transport import BackEndClient
from kiosk.outbox.store import Item, Outbox, State

log = logging.getLogger(__name__)
# The back end keeps Idempotency-Keys this long (its documented lifetime); older items need a person.
DEFAULT_KEY_LIFETIME_S = 7 * 24 * 3600
# Open items age on the monotonic clock in steps of at least this much (one small write per step).
AGEING_STEP_S = 1.0
# Answers to a POST that decide nothing: 408 timeout, 409 the first try is still running, 425, 429.
NOT_DECIDED = frozenset({408, 409, 425, 429})


@dataclass(frozen=True, slots=True)
class DrainReport:
    delivered: int = 0
    refused: int = 0
    still_open: int = 0
    flagged: int = 0


class OutboxSender:
    def __init__(
        self,
        outbox: Outbox,
        client: BackEndClient,
        status_path: str = "v1/withdrawals/by-key/{key}",
        key_lifetime_s: float = DEFAULT_KEY_LIFETIME_S,
        policy: TransportPolicy = BACKGROUND,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.status_path = status_path
        self.key_lifetime_s = key_lifetime_s
        self.policy = policy
        self._stop = threading.Event()
        self._aged_to: float | None = None  # monotonic time up to which open items have been aged

    def _age_open_items(self) -> None:
        """Add the monotonic time since the last pass to every open item. Together with the wall clock
        (``Item.age_s`` takes the larger), an item cannot look younger than a sender saw it wait, whatever
        the wall clock does; time with no sender running (power off) counts by the wall clock alone."""
        now = time.monotonic()
        if self._aged_to is None:
            self._aged_to = now
        elif now - self._aged_to >= AGEING_STEP_S:
            self.outbox.add_age(now - self._aged_to)
            self._aged_to = now

    def drain_once(self) -> DrainReport:
        self._age_open_items()
        delivered = refused = still_open = flagged = 0
        for item in self.outbox.open_items():
            if item.age_s > self.key_lifetime_s:
                self.outbox.flag_for_person(item.key, "older than the back end keeps idempotency keys")
                log.error("outbox item %s is older than the key lifetime: flagged for a person", item.key)
                flagged += 1
                continue
            state = self.deliver(item)
            if state is State.DONE:
                delivered += 1
            elif state is State.REFUSED:
                refused += 1
            else:
                still_open += 1
        return DrainReport(delivered, refused, still_open, flagged)

    def deliver(self, item: Item, policy: TransportPolicy | None = None) -> State:
        """One step for one item; returns its state afterwards. ``policy``: the member's short one for
        the first try at the screen, the background one otherwise."""
        if item.state is State.UNKNOWN:
            settled = self._settle_unknown(item)
            if settled is not None:
                return settled
        try:
            reply = self.client.request(
                "POST",
                item.path,
                body=item.body,
                idempotency_key=item.key,
                session_token=item.token,
                policy=policy or self.policy,
                headers=item.proof,
            )
        except errors.RefusedByRule as exc:
            if exc.status in NOT_DECIDED:  # busy, rate-limited, or still running under this key
                self.outbox.attempted(item.key, State.UNKNOWN, str(exc))
                return State.UNKNOWN
            self.outbox.finish(item.key, State.REFUSED, {"code": exc.code, "message": exc.message_zh})
            return State.REFUSED
        except (errors.CircuitOpen, errors.PinningFailed, errors.TlsFailed, errors.Unauthorised) as exc:
            # Nothing reached the back end, or it would not listen to this kiosk: the item keeps its
            # state, and the health reporter shows the backlog to a person.
            self.outbox.attempted(item.key, item.state, f"{type(exc).__name__}: {exc}")
            log.warning("outbox item %s not delivered: %s", item.key, exc)
            return item.state
        except errors.BackEndError as exc:  # cut, timed out, unreachable, server fault: may have landed
            self.outbox.attempted(item.key, State.UNKNOWN, f"{type(exc).__name__}: {exc}")
            return State.UNKNOWN
        self.outbox.finish(item.key, State.DONE, reply.body)
        return State.DONE

    def _settle_unknown(self, item: Item) -> State | None:
        """Ask the back end about an item whose outcome is unknown: its state if that settles it,
        None when the back end never saw the key (so the same key may be sent)."""
        try:
            known = self._ask(item)
        except errors.BackEndError as exc:  # a status query never decides an item: ask again later
            self.outbox.attempted(item.key, State.UNKNOWN, f"asking: {type(exc).__name__}: {exc}")
            return State.UNKNOWN
        if known is None:
            return None
        if known.get("state") != "done":  # the first try is still running there
            self.outbox.attempted(item.key, State.UNKNOWN, f"back end says {known.get('state')!r}")
            return State.UNKNOWN
        answer = known.get("response")
        status = known.get("response_status") or 0
        if 200 <= status < 300:
            self.outbox.finish(item.key, State.DONE, answer)
            return State.DONE
        refusal = answer if isinstance(answer, dict) else {}
        self.outbox.finish(
            item.key, State.REFUSED, {"code": refusal.get("code"), "message": refusal.get("message")}
        )
        return State.REFUSED

    def _ask(self, item: Item) -> dict[str, Any] | None:
        """What the back end recorded for this key (``state``, ``response_status``, ``response``), or
        None when it never saw the key."""
        try:
            reply = self.client.request("GET", self.status_path.format(key=item.key), policy=self.policy)
        except errors.RefusedByRule as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(reply.body, dict):
            raise errors.ServerFault("the key status is not an object")
        return reply.body

    def run(self, interval_s: float = 5.0) -> None:
        """Drain until :meth:`stop`, a pass every ``interval_s``."""
        self._stop.clear()
        while not self._stop.is_set():
            try:
                self.drain_once()
            except Exception:  # a bug must not kill delivery for good; it is logged with its trace
                log.exception("outbox pass failed")
            self._stop.wait(interval_s)

    def stop(self) -> None:
        self._stop.set()
