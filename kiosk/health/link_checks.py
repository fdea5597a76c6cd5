"""Checks of the link to the fund center: reachability, clock, outbox, the device certificate."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from kiosk.client.errors import BackEndError
from kiosk.client.policy import TransportPolicy
from kiosk.client.transport import BackEndClient
from kiosk.health.checks import CheckResult, Level, Sample
from kiosk.outbox.store import Outbox, State

PROBE = TransportPolicy(connect_timeout_s=3.0, read_timeout_s=3.0, deadline_s=5.0)


@dataclass
class BackEndReachable:
    client: BackEndClient
    name: str = "back_end"

    def run(self) -> CheckResult:
        started = time.monotonic()
        try:
            reply = self.client.request("GET", "healthz", policy=PROBE)
        except BackEndError as exc:
            return CheckResult(
                self.name,
                Level.FAULT,
                f"fund center unreachable: {type(exc).__name__}: {exc}",
                samples=(
                    Sample("kiosk_backend_up", 0, "Whether the fund center answered its health check."),
                ),
            )
        latency = time.monotonic() - started
        body = reply.body if isinstance(reply.body, dict) else {}
        level = Level.OK if body.get("status") == "ok" else Level.WARNING
        return CheckResult(
            self.name,
            level,
            f"fund center {body.get('status', 'answered')} in {latency * 1000:.0f} ms",
            {"version": body.get("version"), "latency_s": round(latency, 3)},
            (
                Sample("kiosk_backend_up", 1, "Whether the fund center answered its health check."),
                Sample("kiosk_backend_latency_seconds", latency, "Time of the last health check."),
            ),
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
        age = time.time() - oldest if oldest is not None else 0.0
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
