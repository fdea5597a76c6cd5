"""Checks of the link to the fund center: reachability, clock, outbox, the device certificate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from kiosk.backend_probe import probe_back_end
from kiosk.client.transport import BackEndClient
from kiosk.health.checks import CheckResult, Level, Sample
from kiosk.outbox.store import Outbox, State


@dataclass
class BackEndReachable:
    client: BackEndClient
    name: str = "back_end"

    timeout_s: float = 5.0

    def run(self) -> CheckResult:
        """The same probe the attract screen shows, seen by monitoring."""
        status = probe_back_end(self.client, self.timeout_s)
        up = Sample(
            "kiosk_backend_up",
            1 if status.reachable else 0,
            "Whether the fund center answered its health check.",
        )
        if not status.reachable:
            level = Level.FAULT if status.latency_ms is None else Level.WARNING  # answered, but not ready
            return CheckResult(
                self.name, level, f"fund center not reachable: {status.problem}", samples=(up,)
            )
        latency = (status.latency_ms or 0) / 1000
        return CheckResult(
            self.name,
            Level.OK,
            f"fund center ok in {status.latency_ms} ms",
            {"version": status.version, "latency_s": latency},
            (up, Sample("kiosk_backend_latency_seconds", latency, "Time of the last health check.")),
        )


@dataclass
class ClockOffset:
    client: BackEndClient
    warn_s: float = 30.0
    fault_s: float = 240.0  # signed requests are refused outside the back end's window
    name: str = "clock"

    def run(self) -> CheckResult:
        offset = self.client.clock_offset_s
        if offset is None:
            return CheckResult(self.name, Level.WARNING, "clock not yet compared with the fund center")
        size = abs(offset)
        level = Level.FAULT if size > self.fault_s else Level.WARNING if size > self.warn_s else Level.OK
        return CheckResult(
            self.name,
            level,
            f"clock {offset:+.1f} s from the fund center",
            {"offset_s": round(offset, 3)},
            (Sample("kiosk_clock_offset_seconds", offset, "Fund center clock minus kiosk clock."),),
        )


@dataclass
class OutboxBacklog:
    outbox: Outbox
    warn_age_s: float = 600.0
    fault_age_s: float = 3600.0
    name: str = "outbox"

    def run(self) -> CheckResult:
        depth = self.outbox.depth()
        oldest = self.outbox.oldest_open_created_at()
        stuck = self.outbox.count(State.NEEDS_PERSON)
        age = self.outbox.oldest_open_age_s() or 0.0  # a wall clock set back cannot hide an old item
        level = (
            Level.FAULT
            if stuck or age > self.fault_age_s
            else Level.WARNING
            if age > self.warn_age_s
            else Level.OK
        )
        samples = [
            Sample("kiosk_outbox_items", depth, "Operations waiting to reach the fund center."),
            Sample("kiosk_outbox_needs_person_items", stuck, "Operations a person must look at."),
        ]
        if oldest is not None:
            samples.append(
                Sample("kiosk_outbox_oldest_item_timestamp_seconds", oldest, "Oldest waiting operation.")
            )
        summary = f"{depth} waiting" + (f", oldest {age / 60:.0f} min" if oldest else "")
        if stuck:
            summary += f", {stuck} need a person"
        return CheckResult(self.name, level, summary, {"depth": depth, "needs_person": stuck}, tuple(samples))


@dataclass
class CertificateExpiry:
    certificate: Path
    warn_days: float = 30.0
    fault_days: float = 7.0
    name: str = "tls_certificate"

    def run(self) -> CheckResult:
        try:
            cert = x509.load_pem_x509_certificate(self.certificate.read_bytes())
        except FileNotFoundError:
            return CheckResult(self.name, Level.WARNING, "no device certificate (not enrolled)")
        except ValueError as exc:
            return CheckResult(self.name, Level.FAULT, f"device certificate unreadable: {exc}")
        expires = cert.not_valid_after_utc
        days = (expires - dt.datetime.now(dt.UTC)).total_seconds() / 86400
        level = (
            Level.FAULT if days < self.fault_days else Level.WARNING if days < self.warn_days else Level.OK
        )
        return CheckResult(
            self.name,
            level,
            f"device certificate expires {expires:%Y-%m-%d} ({days:.0f} days)"
            if days >= 0
            else "certificate expired",
            {"expires": expires.isoformat()},
            (
                Sample(
                    "kiosk_tls_certificate_expiry_timestamp_seconds",
                    expires.timestamp(),
                    "When the device certificate expires.",
                ),
            ),
        )
