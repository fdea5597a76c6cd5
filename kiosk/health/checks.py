"""The check registry: each check is small, returns a typed result, and never raises.

A result carries its level (ok, warning, fault), a one-line summary for people, context for the
console, and metric samples for Prometheus. :class:`TransitionLog` logs a check once when it goes
bad and once when it recovers (as Home Assistant's update coordinator does), not on every pass.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol

log = logging.getLogger(__name__)


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAULT = "fault"


_RANK = {Level.OK: 0, Level.WARNING: 1, Level.FAULT: 2}


@dataclass(frozen=True, slots=True)
class Sample:
    """One Prometheus sample: names carry the kiosk_ prefix and base units."""

    name: str
    value: float
    help: str
    labels: Mapping[str, str] = field(default_factory=dict)
    kind: Literal["gauge", "counter"] = "gauge"


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    level: Level
    summary: str
    context: Mapping[str, object] = field(default_factory=dict)
    samples: Sequence[Sample] = ()
    checked_at: float = field(default_factory=time.time)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "level": self.level.value,
            "summary": self.summary,
            "context": dict(self.context),
            "checked_at": self.checked_at,
        }


class Check(Protocol):
    name: str

    def run(self) -> CheckResult: ...


def worst(results: Iterable[CheckResult]) -> Level:
    return max((r.level for r in results), key=_RANK.__getitem__, default=Level.OK)


def run_checks(checks: Sequence[Check]) -> list[CheckResult]:
    """Run every check; a check that crashes is itself a fault, never the reporter's end."""
    results = []
    for check in checks:
        try:
            results.append(check.run())
        except Exception as exc:
            log.exception("health check %s crashed", check.name)
            results.append(
                CheckResult(check.name, Level.FAULT, f"check crashed: {type(exc).__name__}: {exc}")
            )
    return results


class TransitionLog:
    """Logs once when a check leaves ok (or changes how bad it is) and once when it recovers."""

    def __init__(self) -> None:
        self._last: dict[str, Level] = {}

    def record(self, results: Iterable[CheckResult]) -> None:
        for result in results:
            before = self._last.get(result.name, Level.OK)
            self._last[result.name] = result.level
            if result.level == before:
                continue
            if result.level is Level.OK:
                log.info("health %s recovered: %s", result.name, result.summary)
            else:
                log.warning(
                    "health %s %s: %s",
                    result.name,
                    result.level.value,
                    result.summary,
                    extra={"ctx": dict(result.context)},
                )
