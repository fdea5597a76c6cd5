"""Prometheus text exposition (format 0.0.4) of check results and the reporter's counters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from kiosk.health.checks import CheckResult, Level, Sample

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class CheckCounters:
    """``kiosk_health_check_runs_total`` and ``..._failures_total`` across the reporter's passes."""

    def __init__(self) -> None:
        self.runs: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()

    def count(self, results: Iterable[CheckResult]) -> None:
        for result in results:
            self.runs[result.name] += 1
            if result.level is not Level.OK:
                self.failures[result.name] += 1

    def samples(self) -> list[Sample]:
        return [
            *(
                Sample("kiosk_health_check_runs_total", n, "Health checks run.", {"check": c}, "counter")
                for c, n in sorted(self.runs.items())
            ),
            *(
                Sample(
                    "kiosk_health_check_failures_total",
                    self.failures[c],
                    "Health checks not ok.",
                    {"check": c},
                    "counter",
                )
                for c in sorted(self.runs)
            ),
        ]


def status_samples(results: Iterable[CheckResult]) -> list[Sample]:
    """Each check's level as an enum: one series per level, 1 for the current one."""
    return [
        Sample(
            "kiosk_health_check_status",
            1.0 if r.level is level else 0.0,
            "Health check level, one series per level.",
            {"check": r.name, "level": level.value},
        )
        for r in results
        for level in Level
    ]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def exposition(samples: Sequence[Sample]) -> str:
    """Group samples by name, HELP and TYPE once each (text format 0.0.4: a counter's family is its
    full ``_total`` name)."""
    by_name: dict[str, list[Sample]] = {}
    for sample in samples:
        by_name.setdefault(sample.name, []).append(sample)
    lines = []
    for name, group in by_name.items():
        lines.append(f"# HELP {name} {group[0].help}")
        lines.append(f"# TYPE {name} {group[0].kind}")
        for sample in group:
            labels = ",".join(f'{k}="{_escape(v)}"' for k, v in sample.labels.items())
            lines.append(
                f"{name}{{{labels}}} {_number(sample.value)}" if labels else f"{name} {_number(sample.value)}"
            )
    return "\n".join(lines) + "\n"
