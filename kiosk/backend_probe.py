"""Is the fund center reachable? A short probe of ``/healthz`` through the hardened client, so it
sees the back end exactly as member calls do (the center's CA, the device certificate, the pins,
the circuit breaker). Runs on a worker thread, never the UI thread."""

from __future__ import annotations

import time
from dataclasses import dataclass

from kiosk.client import errors
from kiosk.client.policy import TransportPolicy, default_retry
from kiosk.client.transport import BackEndClient


@dataclass(frozen=True, slots=True)
class BackEndStatus:
    reachable: bool
    latency_ms: int | None = None
    version: str | None = None
    problem: str | None = None


def probe_policy(timeout_s: float) -> TransportPolicy:
    """One attempt, bounded by ``timeout_s``: the next probe comes soon enough."""
    return TransportPolicy(timeout_s, timeout_s, timeout_s, default_retry().new(total=0))


def probe_back_end(client: BackEndClient, timeout_s: float) -> BackEndStatus:
    started = time.monotonic()
    try:
        reply = client.request("GET", "healthz", policy=probe_policy(timeout_s))
    except errors.DeadlineExceeded:
        return BackEndStatus(reachable=False, problem="timeout")
    except (errors.BackEndUnreachable, errors.OutcomeUnknown):
        return BackEndStatus(reachable=False, problem="unreachable")
    except (errors.PinningFailed, errors.TlsFailed) as exc:
        return BackEndStatus(reachable=False, problem=f"tls: {type(exc).__name__}")
    except (errors.ServerFault, errors.RefusedByRule, errors.Unauthorised) as exc:
        status = getattr(exc, "status", None)
        return BackEndStatus(
            reachable=False, problem=f"HTTP {status}" if status and status != 200 else "malformed response"
        )
    latency = round((time.monotonic() - started) * 1000)
    body = reply.body
    if not isinstance(body, dict) or body.get("status") != "ok":
        return BackEndStatus(reachable=False, latency_ms=latency, problem="back end not ready")
    version = body.get("version")
    return BackEndStatus(reachable=True, latency_ms=latency, version=str(version) if version else None)
