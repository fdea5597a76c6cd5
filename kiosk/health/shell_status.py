"""What the shell tells the reporter: a small JSON file rewritten atomically every few seconds.

The shell owns the devices (a serial port has one owner), so the reporter learns their status
from here; the file's age is the shell's heartbeat.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from drivers.status import DeviceStatus


@dataclass(frozen=True, slots=True)
class DeviceReport:
    status: str  # a DeviceStatus value
    problem: str | None = None
    paper: str | None = None  # printers: unknown, full, low, out, jammed


@dataclass(frozen=True, slots=True)
class ShellStatus:
    written_at: float
    pid: int
    version: str
    devices: dict[str, DeviceReport] = field(default_factory=dict)
    last_transaction_at: float | None = None
    out_of_service: str | None = None  # the technician's reason while the kiosk is out of service
    out_of_service_since: float | None = None


def write_shell_status(path: Path, status: ShellStatus) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(status)), "utf-8")
    os.replace(tmp, path)


def read_shell_status(path: Path) -> ShellStatus | None:
    """The last status the shell wrote, or None when there is none or it cannot be read."""
    try:
        raw = json.loads(path.read_text("utf-8"))
        devices = {name: DeviceReport(**report) for name, report in raw.get("devices", {}).items()}
        for report in devices.values():
            DeviceStatus(report.status)  # an unknown status is a broken file
        reason, since = raw.get("out_of_service"), raw.get("out_of_service_since")
        return ShellStatus(
            written_at=float(raw["written_at"]),
            pid=int(raw["pid"]),
            version=str(raw["version"]),
            devices=devices,
            last_transaction_at=raw.get("last_transaction_at"),
            out_of_service=None if reason is None else str(reason),
            out_of_service_since=None if since is None else float(since),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def shell_status_now(
    version: str,
    devices: dict[str, DeviceReport],
    last_transaction_at: float | None,
    out_of_service: tuple[str, float] | None = None,
) -> ShellStatus:
    reason, since = out_of_service if out_of_service is not None else (None, None)
    return ShellStatus(time.time(), os.getpid(), version, devices, last_transaction_at, reason, since)


class ShellStatusBoard:
    """The shell's view of its devices, kept from driver events and written out for the reporter."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        self.devices: dict[str, DeviceReport] = {}
        self.last_transaction_at: float | None = None
        self.out_of_service: tuple[str, float] | None = None  # (reason, since) set by a technician

    def device(
        self, name: str, status: DeviceStatus, problem: str | None = None, paper: str | None = None
    ) -> None:
        self.devices[name] = DeviceReport(status.value, problem, paper)

    def transaction_succeeded(self) -> None:
        self.last_transaction_at = time.time()

    def service(self, reason: str | None, since: float | None = None) -> None:
        """Out of service for ``reason`` since ``since`` (Unix time), or back in service (None)."""
        self.out_of_service = None if reason is None else (reason, time.time() if since is None else since)

    def snapshot(self) -> ShellStatus:
        return shell_status_now(
            self.version, dict(self.devices), self.last_transaction_at, self.out_of_service
        )

    def write(self) -> None:
        write_shell_status(self.path, self.snapshot())
