"""``kiosk health``: the reporter process beside the shell.

Every pass runs all checks, logs transitions once, updates the Prometheus exposition served on a
local port, and pats systemd's watchdog (``Type=notify``). ``--once`` runs one pass and prints it.
"""

from __future__ import annotations

import http.server
import json
import logging
import threading
from collections.abc import Sequence
from typing import Any

from kiosk import __version__
from kiosk.client.factory import DEVICE_CERT, client_from_config
from kiosk.client.transport import BackEndClient
from kiosk.config import KioskConfig
from kiosk.health import systemd
from kiosk.health.checks import Check, CheckResult, Level, TransitionLog, run_checks, worst
from kiosk.health.heartbeats import HeartbeatQueue, heartbeat_body
from kiosk.health.link_checks import BackEndReachable, CertificateExpiry, ClockOffset, OutboxBacklog
from kiosk.health.metrics import CONTENT_TYPE, CheckCounters, exposition, status_samples
from kiosk.health.service_check import ServiceCheck
from kiosk.health.shell_checks import DEVICES, DeviceCheck, LastTransaction, ShellLiveness
from kiosk.health.system_checks import CpuTemperature, DiskSpace, Memory, SoftwareVersion
from kiosk.outbox.store import Outbox

log = logging.getLogger(__name__)


def standard_reporter(cfg: KioskConfig) -> Reporter:
    """The reporter as the configuration describes it, with heartbeats to the fund center."""
    client = client_from_config(cfg)
    return Reporter(standard_checks(cfg, client), HeartbeatQueue(client))


def standard_checks(cfg: KioskConfig, client: BackEndClient) -> list[Check]:
    status = cfg.paths.shell_status
    stale = 3 * 5.0  # the shell writes every 5 s
    cfg.paths.var_dir.mkdir(parents=True, exist_ok=True)
    return [
        SoftwareVersion(__version__, cfg.kiosk.device_id),
        ShellLiveness(status, max_age_s=stale),
        *(DeviceCheck(name, status, max_age_s=stale) for name in DEVICES),
        ServiceCheck(status, max_age_s=stale),
        DiskSpace(cfg.paths.var_dir),
        Memory(),
        CpuTemperature(),
        BackEndReachable(client),
        ClockOffset(client),  # after BackEndReachable, whose answer sets the offset
        OutboxBacklog(Outbox(cfg.paths.outbox)),
        LastTransaction(status),
        CertificateExpiry(cfg.paths.identity / DEVICE_CERT),
    ]


class Reporter:
    def __init__(self, checks: Sequence[Check], heartbeats: HeartbeatQueue | None = None) -> None:
        self.checks = checks
        self.heartbeats = heartbeats
        self.transitions = TransitionLog()
        self.counters = CheckCounters()
        self._lock = threading.Lock()
        self.latest: list[CheckResult] = []
        self._stop = threading.Event()

    def run_once(self) -> list[CheckResult]:
        results = run_checks(self.checks)
        self.transitions.record(results)
        with self._lock:
            self.counters.count(results)
            self.latest = results
        if self.heartbeats is not None:
            outbox = next((r for r in results if r.name == "outbox"), None)
            depth = outbox.context.get("depth", 0) if outbox is not None else 0
            self.heartbeats.add(
                heartbeat_body(results, __version__, int(depth) if isinstance(depth, int) else 0)
            )
            self.heartbeats.flush()
        return results

    def metrics(self) -> str:
        with self._lock:
            samples = [s for r in self.latest for s in r.samples]
            samples += status_samples(self.latest) + self.counters.samples()
        return exposition(samples)

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {"worst": worst(self.latest).value, "checks": [r.as_json() for r in self.latest]}

    def serve(self, host: str, port: int) -> http.server.ThreadingHTTPServer:
        reporter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/metrics":
                    body, kind = reporter.metrics().encode(), CONTENT_TYPE
                elif self.path == "/health":
                    body, kind = (
                        json.dumps(reporter.summary(), ensure_ascii=False).encode(),
                        "application/json",
                    )
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
        return server

    def run(self, interval_s: float) -> None:
        """Passes until :meth:`stop`; tells systemd it is ready, and pats the watchdog every pass."""
        watchdog = systemd.watchdog_interval_s()
        wait = min(interval_s, watchdog) if watchdog else interval_s
        first = True
        while not self._stop.is_set():
            results = self.run_once()
            if first:
                systemd.notify("READY=1")
                first = False
            systemd.notify(f"STATUS=worst check {worst(results).value}")
            systemd.notify("WATCHDOG=1")
            self._stop.wait(wait)

    def stop(self) -> None:
        self._stop.set()


def exit_code(results: Sequence[CheckResult]) -> int:
    """For scripts: 0 all ok, 1 a warning, 2 a fault."""
    return {Level.OK: 0, Level.WARNING: 1, Level.FAULT: 2}[worst(results)]
