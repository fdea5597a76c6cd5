"""Is the fund center reachable? A short, bounded probe of the back end's ``/healthz``.

Runs on a worker thread (never the UI thread). The hardened client replaces the transport later;
the result type stays what the screens and the health reporter read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

import requests


@dataclass(frozen=True, slots=True)
class BackEndStatus:
    reachable: bool
    latency_ms: int | None = None
    version: str | None = None
    problem: str | None = None


def probe_back_end(base_url: str, timeout_s: float) -> BackEndStatus:
    url = urljoin(base_url, "healthz")
    started = time.monotonic()
    try:
        response = requests.get(url, timeout=(timeout_s, timeout_s))
    except requests.Timeout:
        return BackEndStatus(reachable=False, problem="timeout")
    except requests.ConnectionError:
        return BackEndStatus(reachable=False, problem="unreachable")
    latency = round((time.monotonic() - started) * 1000)
    if response.status_code != 200:
        return BackEndStatus(reachable=False, latency_ms=latency, problem=f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        return BackEndStatus(reachable=False, latency_ms=latency, problem="malformed response")
    if not isinstance(body, dict) or body.get("status") != "ok":
        return BackEndStatus(reachable=False, latency_ms=latency, problem="back end not ready")
    version = body.get("version")
    return BackEndStatus(reachable=True, latency_ms=latency, version=str(version) if version else None)
