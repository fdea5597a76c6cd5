"""The fleet's Prometheus config, alert rules and Grafana dashboard use only metrics the reporter emits."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import trustme

from drivers.status import DeviceStatus
from kiosk.health.checks import CheckResult, Level, Sample
from kiosk.health.link_checks import CertificateExpiry, OutboxBacklog
from kiosk.health.reporter import Reporter
from kiosk.health.service_check import ServiceCheck
from kiosk.health.shell_checks import DeviceCheck, LastTransaction, ShellLiveness
from kiosk.health.shell_status import ShellStatusBoard
from kiosk.health.system_checks import CpuTemperature, DiskSpace, Memory, SoftwareVersion
from kiosk.outbox.store import Outbox

MONITORING = Path(__file__).resolve().parents[3] / "kiosk" / "health" / "monitoring"
METRIC = re.compile(r"\bkiosk_[a-z_]+")


class Reachable:
    """The two link checks' samples as a healthy kiosk reports them (their logic is tested elsewhere)."""

    name = "back_end"

    def run(self) -> CheckResult:
        return CheckResult(
            self.name,
            Level.OK,
            "ok",
            samples=(
                Sample("kiosk_backend_up", 1, "up"),
                Sample("kiosk_backend_latency_seconds", 0.05, "latency"),
                Sample("kiosk_clock_offset_seconds", 0.2, "offset"),
            ),
        )


@pytest.fixture(scope="module")
def emitted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    tmp = tmp_path_factory.mktemp("monitoring")
    board = ShellStatusBoard(tmp / "shell-status.json", "0.1.0")
    board.device("card_reader", DeviceStatus.ONLINE)
    board.device("receipt_printer", DeviceStatus.ONLINE, paper="low")
    board.transaction_succeeded()
    board.service("maintenance")  # out of service, so that its "since" series is emitted too
    board.write()
    outbox = Outbox(tmp / "outbox.db")
    outbox.enqueue("withdrawal", "v1/withdrawals", {})
    cert = tmp / "device.pem"
    trustme.CA().issue_cert("kiosk").cert_chain_pems[0].write_to_path(str(cert))
    thermal = tmp / "thermal" / "thermal_zone0"
    thermal.mkdir(parents=True)
    (thermal / "temp").write_text("50000\n")
    reporter = Reporter(
        [
            SoftwareVersion("0.1.0", "KIOSK-0001"),
            ShellLiveness(board.path),
            DeviceCheck("card_reader", board.path),
            DeviceCheck("receipt_printer", board.path),
            DiskSpace(tmp),
            Memory(),
            CpuTemperature(tmp / "thermal"),
            Reachable(),
            OutboxBacklog(outbox),
            LastTransaction(board.path),
            CertificateExpiry(cert),
            ServiceCheck(board.path),
        ]
    )
    reporter.run_once()
    outbox.close()
    return set(METRIC.findall(reporter.metrics()))


def test_every_dashboard_query_uses_emitted_metrics(emitted: set[str]) -> None:
    dashboard = json.loads((MONITORING / "grafana-fleet-dashboard.json").read_text("utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(exprs) >= 15
    used = {m for e in exprs for m in METRIC.findall(e)}
    assert used
    assert used <= emitted, used - emitted


def test_every_alert_uses_emitted_metrics(emitted: set[str]) -> None:
    rules = (MONITORING / "kiosk-alerts.yml").read_text("utf-8")
    used = set(METRIC.findall(rules))
    assert len(used) >= 6
    assert used <= emitted, used - emitted


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool comes with Debian's prometheus package"
)
def test_promtool_accepts_the_config_and_the_rules() -> None:
    for args in (["check", "rules", "kiosk-alerts.yml"], ["check", "config", "prometheus.yml"]):
        done = subprocess.run(
            ["promtool", *args], cwd=MONITORING, capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr
