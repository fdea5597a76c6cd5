"""Checks of the kiosk computer itself: disk, memory, CPU temperature, software version."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kiosk.health.checks import CheckResult, Level, Sample


@dataclass
class DiskSpace:
    path: Path
    warn_free_fraction: float = 0.15
    fault_free_fraction: float = 0.05
    name: str = "disk"

    def run(self) -> CheckResult:
        usage = shutil.disk_usage(self.path)
        free = usage.free / usage.total
        level = (
            Level.FAULT
            if free < self.fault_free_fraction
            else Level.WARNING
            if free < self.warn_free_fraction
            else Level.OK
        )
        labels = {"path": str(self.path)}
        return CheckResult(
            self.name,
            level,
            f"{usage.free / 2**30:.1f} GiB free of {usage.total / 2**30:.1f} GiB ({free:.0%})",
            {"path": str(self.path), "free_bytes": usage.free},
            (
                Sample("kiosk_disk_free_bytes", usage.free, "Free space on the data disk.", labels),
                Sample("kiosk_disk_size_bytes", usage.total, "Size of the data disk.", labels),
            ),
        )


@dataclass
class Memory:
    meminfo: Path = Path("/proc/meminfo")
    warn_available_bytes: int = 512 * 2**20
    fault_available_bytes: int = 128 * 2**20
    name: str = "memory"

    def run(self) -> CheckResult:
        fields = {}
        for line in self.meminfo.read_text().splitlines():
            key, _, rest = line.partition(":")
            fields[key] = int(rest.split()[0]) * 1024
        available, total = fields["MemAvailable"], fields["MemTotal"]
        level = (
            Level.FAULT
            if available < self.fault_available_bytes
            else Level.WARNING
            if available < self.warn_available_bytes
            else Level.OK
        )
        return CheckResult(
            self.name,
            level,
            f"{available / 2**20:.0f} MiB available of {total / 2**20:.0f} MiB",
            {"available_bytes": available},
            (
                Sample("kiosk_memory_available_bytes", available, "Memory available to programs."),
                Sample("kiosk_memory_total_bytes", total, "Memory installed."),
            ),
        )


@dataclass
class CpuTemperature:
    thermal: Path = Path("/sys/class/thermal")
    warn_celsius: float = 75.0
    fault_celsius: float = 90.0
    name: str = "cpu_temperature"

    def run(self) -> CheckResult:
        readings = []
        for zone in sorted(self.thermal.glob("thermal_zone*")):
            try:
                readings.append(int((zone / "temp").read_text().strip()) / 1000)
            except (OSError, ValueError):
                continue
        if not readings:
            return CheckResult(self.name, Level.OK, "no temperature sensor on this machine", {"sensors": 0})
        hottest = max(readings)
        level = (
            Level.FAULT
            if hottest >= self.fault_celsius
            else Level.WARNING
            if hottest >= self.warn_celsius
            else Level.OK
        )
        return CheckResult(
            self.name,
            level,
            f"hottest sensor {hottest:.0f} °C",
            {"celsius": hottest, "sensors": len(readings)},
            (Sample("kiosk_cpu_temperature_celsius", hottest, "Hottest thermal zone."),),
        )


@dataclass
class SoftwareVersion:
    version: str
    device_id: str
    name: str = "software"

    def run(self) -> CheckResult:
        return CheckResult(
            self.name,
            Level.OK,
            f"fund-kiosk {self.version}",
            {"version": self.version},
            (
                Sample(
                    "kiosk_build_info",
                    1,
                    "Software version of the kiosk (always 1).",
                    {"version": self.version, "device_id": self.device_id},
                ),
            ),
        )
