"""Out of service: set by a technician with a reason, kept in a file under var so that it survives a
restart, shown on the attract screen (which then refuses cards) and reported by the health check
``service`` through the shell's status board."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)
audit = logging.getLogger("kiosk.maintenance.audit")

# Reason presets offered on the maintenance screen; the screens' catalogue holds their texts.
REASONS = ("maintenance", "printer", "network", "hardware", "cleaning")
UNREADABLE = "state_unreadable"
_REASON_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True, slots=True)
class ServiceState:
    out_of_service: bool = False
    reason: str | None = None
    since: float | None = None  # Unix time

    @classmethod
    def out(cls, reason: str, since: float) -> ServiceState:
        if not _REASON_RE.fullmatch(reason):
            raise ValueError(f"a reason is a short code such as {REASONS[0]!r}, not {reason!r}")
        return cls(True, reason, since)


IN_SERVICE = ServiceState()


class ServiceStateStore:
    """The state on disk (``var/maintenance/service.json``), written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> ServiceState:
        """The saved state; none saved is in service. A file that cannot be read keeps the kiosk out of
        service (a technician's "out" must not turn into "in" by a broken disk) and says so."""
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return IN_SERVICE
        except (OSError, ValueError) as exc:
            log.error("out-of-service state unreadable (%s): staying out of service", exc)
            return ServiceState(True, UNREADABLE, time.time())
        try:
            if not raw["out_of_service"]:
                return IN_SERVICE
            return ServiceState.out(str(raw["reason"]), float(raw["since"]))
        except (KeyError, TypeError, ValueError) as exc:
            log.error("out-of-service state malformed (%s): staying out of service", exc)
            return ServiceState(True, UNREADABLE, time.time())

    def save(self, state: ServiceState) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(asdict(state), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def set_out(self, reason: str, now: float | None = None) -> ServiceState:
        state = ServiceState.out(reason, time.time() if now is None else now)
        self.save(state)
        audit.warning(
            "kiosk put out of service by a technician: %s", reason, extra={"ctx": {"reason": reason}}
        )
        return state

    def set_in(self) -> ServiceState:
        self.save(IN_SERVICE)
        audit.info("kiosk back in service (set by a technician)")
        return IN_SERVICE
