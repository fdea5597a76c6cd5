"""The reporter end to end: a card reader simulator with faults on and off, metrics linted by
promtool, systemd notifications, and ``kiosk health --once``."""

import json
import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import CardEvent, CardPoller, ReaderStatusChanged
from drivers.idcard.simulator import Faults, SimulatedReader, register, unregister
from drivers.status import DeviceStatus
from kiosk.health.checks import Level
from kiosk.health.reporter import Reporter, exit_code
from kiosk.health.shell_checks import DeviceCheck, ShellLiveness
from kiosk.health.shell_status import ShellStatusBoard
from kiosk.health.system_checks import DiskSpace, SoftwareVersion


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[tuple[SimulatedReader, ShellStatusBoard, queue.Queue[CardEvent]]]:
    """What the shell does for the reporter: poll the reader, keep the board, write it out."""
    reader = SimulatedReader()
    url = register("health-test", reader)
    b = ShellStatusBoard(tmp_path / "shell-status.json", "0.1.0")
    events: queue.Queue[CardEvent] = queue.Queue()

    def on_event(event: CardEvent) -> None:
        if isinstance(event, ReaderStatusChanged):
            b.device("card_reader", event.status, event.problem)
            b.write()
        events.put(event)

    poller = CardPoller(
        IdCardReader(url, command_timeout_s=0.2), on_event, interval_s=0.05, reopen_interval_s=0.1
    )
    poller.start()
    yield reader, b, events
    poller.stop()
    unregister("health-test")


def wait_status(events: queue.Queue[CardEvent], status: DeviceStatus) -> None:
    while True:
        event = events.get(timeout=10)
        if isinstance(event, ReaderStatusChanged) and event.status is status:
            return


def test_reader_faults_on_and_off_reach_the_metrics_and_the_log(
    shell: tuple[SimulatedReader, ShellStatusBoard, queue.Queue[CardEvent]], caplog: pytest.LogCaptureFixture
) -> None:
    reader, b, events = shell
    reporter = Reporter([ShellLiveness(b.path), DeviceCheck("card_reader", b.path)])
    caplog.set_level(logging.INFO, logger="kiosk.health.checks")
    wait_status(events, DeviceStatus.ONLINE)
    assert [r.level for r in reporter.run_once()] == [Level.OK, Level.OK]
    assert 'kiosk_device_state{device="card_reader",state="online"} 1' in reporter.metrics()

    reader.set_faults(Faults.named("silence"))  # the reader stops answering
    wait_status(events, DeviceStatus.OFFLINE)
    for _ in range(3):
        results = reporter.run_once()
    assert results[1].level is Level.FAULT
    metrics = reporter.metrics()
    assert 'kiosk_device_state{device="card_reader",state="offline"} 1' in metrics
    assert 'kiosk_health_check_status{check="card_reader",level="fault"} 1' in metrics
    assert 'kiosk_health_check_failures_total{check="card_reader"} 3' in metrics

    reader.set_faults(Faults())
    wait_status(events, DeviceStatus.ONLINE)
    for _ in range(2):
        results = reporter.run_once()
    assert results[1].level is Level.OK
    lines = [r.getMessage() for r in caplog.records if "health card_reader" in r.getMessage()]
    assert len(lines) == 2
    assert lines[0].startswith("health card_reader fault: offline")
    assert lines[1].startswith("health card_reader recovered: online")


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool comes with Debian's prometheus package"
)
def test_promtool_accepts_the_exposition(tmp_path: Path) -> None:
    b = ShellStatusBoard(tmp_path / "shell-status.json", "0.1.0")
    b.device("card_reader", DeviceStatus.ONLINE)
    b.device("receipt_printer", DeviceStatus.ONLINE, paper="low")
    b.transaction_succeeded()
    b.write()
    reporter = Reporter(
        [
            SoftwareVersion("0.1.0", "KIOSK-0001"),
            ShellLiveness(b.path),
            DeviceCheck("card_reader", b.path),
            DeviceCheck("receipt_printer", b.path),
            DiskSpace(tmp_path),
        ]
    )
    reporter.run_once()
    reporter.run_once()
    text = reporter.metrics()
    done = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ""  # no lint complaints at all
    assert done.stderr.strip() == ""
    assert 'kiosk_build_info{version="0.1.0",device_id="KIOSK-0001"} 1' in text
    assert "# TYPE kiosk_health_check_runs_total counter" in text


def test_metrics_are_served_and_systemd_is_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    address = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(address)
    listener.settimeout(10)
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    monkeypatch.setenv("WATCHDOG_USEC", "2000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    reporter = Reporter([SoftwareVersion("0.1.0", "KIOSK-0001"), DiskSpace(tmp_path)])
    server = reporter.serve("127.0.0.1", 0)
    runner = threading.Thread(target=reporter.run, args=(60.0,))
    runner.start()
    try:
        messages = [listener.recv(1024).decode() for _ in range(3)]
        assert messages[0] == "READY=1"
        assert messages[1].startswith("STATUS=worst check")
        assert messages[2] == "WATCHDOG=1"
        assert listener.recv(1024).decode().startswith("STATUS=")  # the watchdog interval (1 s) beats 60 s
        port = server.server_address[1]
        metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert metrics.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert "kiosk_disk_free_bytes" in metrics.text
        health = requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
        assert health["worst"] in ("ok", "warning", "fault")
    finally:
        reporter.stop()
        runner.join(10)
        server.shutdown()
        server.server_close()
        listener.close()


def test_kiosk_health_once(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\nvar_dir = "var"\n[back_end]\nurl = "http://127.0.0.1:9/"\n', "utf-8")
    run = [sys.executable, "-m", "kiosk", "health", "--config", str(config), "--once"]
    as_json = subprocess.run(
        [*run, "--format", "json"], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120
    )
    assert as_json.returncode == 2, as_json.stderr  # no shell running, back end unreachable: faults
    report = json.loads(as_json.stdout)
    assert report["worst"] == "fault"
    names = [c["name"] for c in report["checks"]]
    assert names[:2] == ["software", "shell"]
    assert {"card_reader", "back_end", "clock", "outbox", "tls_certificate", "disk", "memory"} <= set(names)
    prom = subprocess.run(
        [*run, "--format", "prometheus"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "kiosk_backend_up 0" in prom.stdout
    if shutil.which("promtool"):
        lint = subprocess.run(
            ["promtool", "check", "metrics"],
            input=prom.stdout,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert lint.returncode == 0, lint.stderr
    assert exit_code([]) == 0
