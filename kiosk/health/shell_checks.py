"""Checks that read what the shell reports: its heartbeat, its devices, its last transaction."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from drivers.status import FAULT_STATES, DeviceStatus
from kiosk.health.checks import CheckResult, Level, Sample
from kiosk.health.shell_status import read_shell_status

PAPER_STATES = ("unknown", "full", "low", "out", "jammed")
# The devices the shell reports on its board (and the heartbeat carries).
DEVICES = ("card_reader", "camera", "document_printer", "receipt_printer")


@dataclass
class ShellLiveness:
    status_file: Path
    max_age_s: float = 20.0
    name: str = "shell"

    def run(self) -> CheckResult:
        status = read_shell_status(self.status_file)
        if status is None:
            return CheckResult(self.name, Level.FAULT, "the kiosk shell has not reported (not running?)")
        age = time.time() - status.written_at
        level = Level.FAULT if age > self.max_age_s else Level.OK
        summary = f"last heartbeat {age:.0f} s ago" + (" (stale)" if level is Level.FAULT else "")
        return CheckResult(
            self.name,
            level,
            summary,
            {"pid": status.pid, "age_s": round(age, 1)},
            (
                Sample(
                    "kiosk_shell_heartbeat_timestamp_seconds",
                    status.written_at,
                    "Last heartbeat of the shell.",
                ),
            ),
        )


@dataclass
class DeviceCheck:
    """A device as the shell last saw it; printers also report paper."""

    name: str
    status_file: Path
    max_age_s: float = 20.0

    def run(self) -> CheckResult:
        status = read_shell_status(self.status_file)
        if status is None or time.time() - status.written_at > self.max_age_s:
            return CheckResult(self.name, Level.WARNING, "no fresh report from the shell")
        report = status.devices.get(self.name)
        if report is None:
            return CheckResult(self.name, Level.OK, "not configured on this kiosk", {"configured": False})
        state = DeviceStatus(report.status)
        level = (
            Level.FAULT
            if state in FAULT_STATES
            else Level.OK
            if state is DeviceStatus.ONLINE
            else Level.WARNING
        )
        if report.paper in ("out", "jammed"):
            level = Level.FAULT
        elif report.paper == "low" and level is Level.OK:
            level = Level.WARNING
        samples = [
            Sample(
                "kiosk_device_state",
                1.0 if state is s else 0.0,
                "Device status (XFS4IoT), one series per state.",
                {"device": self.name, "state": s.value},
            )
            for s in DeviceStatus
        ]
        if report.paper is not None:
            samples += [
                Sample(
                    "kiosk_printer_paper_state",
                    1.0 if report.paper == p else 0.0,
                    "Paper, one series per state.",
                    {"device": self.name, "state": p},
                )
                for p in PAPER_STATES
            ]
        summary = state.value + (f", paper {report.paper}" if report.paper else "")
        if report.problem:
            summary += f": {report.problem}"
        return CheckResult(
            self.name, level, summary, {"status": state.value, "paper": report.paper}, tuple(samples)
        )


@dataclass
class LastTransaction:
    status_file: Path
    warn_after_s: float = 24 * 3600
    name: str = "last_transaction"

    def run(self) -> CheckResult:
        status = read_shell_status(self.status_file)
        when = status.last_transaction_at if status is not None else None
        if when is None:
            return CheckResult(self.name, Level.OK, "no transaction yet since the shell started")
        age = time.time() - when
        level = Level.WARNING if age > self.warn_after_s else Level.OK
        return CheckResult(
            self.name,
            level,
            f"last successful transaction {age / 60:.0f} min ago",
            {"at": when},
            (
                Sample(
                    "kiosk_last_successful_transaction_timestamp_seconds",
                    when,
                    "When the last member transaction succeeded.",
                ),
            ),
        )
