"""Heartbeats to the fund center: one per reporter pass, queued while the link is down and sent in
order when it returns. A full queue thins the oldest reports; the newest state is never dropped."""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Sequence
from typing import Any

from kiosk.client import errors
from kiosk.client.policy import TransportPolicy
from kiosk.client.transport import BackEndClient
from kiosk.health.checks import CheckResult, Level
from kiosk.health.shell_checks import DEVICES

log = logging.getLogger(__name__)
PATH = "v1/devices/heartbeat"
POLICY = TransportPolicy(connect_timeout_s=3.0, read_timeout_s=5.0, deadline_s=8.0)
# The devices, plus the technician's out-of-service state (status offline, the reason in its detail).
PERIPHERALS = (*DEVICES, "service")
_OVERALL = {Level.OK: "online", Level.WARNING: "online", Level.FAULT: "hardwareError"}


def heartbeat_body(results: Sequence[CheckResult], version: str, outbox_pending: int) -> dict[str, Any]:
    """The back end's heartbeat from one pass of checks: every device the shell reports and the
    out-of-service state, every check's level and summary, the worst level, the outbox depth and the
    software version."""
    peripherals: dict[str, dict[str, Any]] = {}
    worst = Level.OK
    out_of_service = False
    for result in results:
        if result.name == "service" and result.level is Level.FAULT:
            out_of_service = True  # a technician's decision, not a broken device: "offline" below
        elif result.level is Level.FAULT or (result.level is Level.WARNING and worst is Level.OK):
            worst = result.level
        status = result.context.get("status")
        if result.name in PERIPHERALS and isinstance(status, str):
            peripheral: dict[str, Any] = {"status": status, "detail": result.summary[:256]}
            if result.context.get("paper"):
                peripheral["paper"] = result.context["paper"]
            peripherals[result.name] = peripheral
    return {
        "sent_at": dt.datetime.now(dt.UTC).isoformat(),
        "overall": "offline" if out_of_service and worst is not Level.FAULT else _OVERALL[worst],
        "peripherals": peripherals,
        "checks": {r.name: {"level": r.level.value, "summary": r.summary[:256]} for r in results},
        "outbox_pending": outbox_pending,
        "software_version": version,
    }


class HeartbeatQueue:
    def __init__(self, client: BackEndClient, capacity: int = 240) -> None:
        self.client = client
        self.capacity = capacity
        self._queue: deque[dict[str, Any]] = deque()
        self.sent = 0
        self._offline = False

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, body: dict[str, Any]) -> None:
        if len(self._queue) >= self.capacity:
            # Thin the backlog: drop every second report of the older half, keep the recent ones.
            older = list(self._queue)[: self.capacity // 2]
            kept = older[::2] + list(self._queue)[self.capacity // 2 :]
            self._queue = deque(kept)
        self._queue.append(body)

    def flush(self) -> int:
        """Send queued heartbeats oldest first; stop at the first failure and keep the rest."""
        sent = 0
        while self._queue:
            try:
                self.client.request("POST", PATH, body=self._queue[0], policy=POLICY)
            except errors.BackEndError as exc:
                if not self._offline:
                    log.warning("heartbeats queued (%d): %s", len(self._queue), exc)
                self._offline = True
                break
            self._queue.popleft()
            sent += 1
        if sent and self._offline:
            log.info("heartbeats delivered again (%d sent)", sent)
            self._offline = False
        self.sent += sent
        return sent
