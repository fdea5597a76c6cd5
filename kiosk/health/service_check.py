"""The ``service`` check: whether a technician has put the kiosk out of service, and why.

The shell carries the state on its status board; while it is set this check is a fault
("out of service: <reason>"), so it reaches the metrics, the heartbeat and the staff console.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from drivers.status import DeviceStatus
from kiosk.health.checks import CheckResult, Level, Sample
from kiosk.health.shell_status import read_shell_status


@dataclass
class ServiceCheck:
    status_file: Path
    max_age_s: float = 20.0
    name: str = "service"

    def run(self) -> CheckResult:
        status = read_shell_status(self.status_file)
        if status is None or time.time() - status.written_at > self.max_age_s:
            return CheckResult(self.name, Level.WARNING, "no fresh report from the shell")
        out = status.out_of_service is not None
        samples = [
            Sample("kiosk_out_of_service", 1 if out else 0, "Whether a technician took the kiosk out.")
        ]
        if not out:
            return CheckResult(
                self.name, Level.OK, "in service", {"status": DeviceStatus.ONLINE.value}, tuple(samples)
            )
        since = status.out_of_service_since
        if since is not None:
            samples.append(
                Sample("kiosk_out_of_service_since_timestamp_seconds", since, "When the kiosk was taken out.")
            )
        return CheckResult(
            self.name,
            Level.FAULT,
            f"out of service: {status.out_of_service}",
            {"status": DeviceStatus.OFFLINE.value, "reason": status.out_of_service, "since": since},
            tuple(samples),
        )
