"""Out of service: kept across restarts, carried by the shell's board to the ``service`` health check,
and from there into the metrics and the heartbeat the reference back end accepts."""

import json
import logging
from pathlib import Path

import pytest

from drivers.status import DeviceStatus
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.config import load_config
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.health.checks import Level
from kiosk.health.heartbeats import HeartbeatQueue, heartbeat_body
from kiosk.health.reporter import Reporter, standard_checks
from kiosk.health.service_check import ServiceCheck
from kiosk.health.shell_checks import DeviceCheck
from kiosk.health.shell_status import ShellStatusBoard, read_shell_status
from kiosk.maintenance.mode import Maintenance, MaintenanceDevices
from kiosk.maintenance.service import IN_SERVICE, UNREADABLE, ServiceState, ServiceStateStore
from tests.fundcenter.conftest import new_kiosk
from tests.support.scripted_server import Answer, Script, scripted_server


def maintenance(var: Path) -> tuple[Maintenance, ShellStatusBoard]:
    var.mkdir(exist_ok=True)
    config = var / "kiosk.toml"
    config.write_text(f'[paths]\nvar_dir = "{var}"\n', "utf-8")
    cfg = load_config(config)
    board = ShellStatusBoard(cfg.paths.shell_status, "0.1.0")
    mode = Maintenance(cfg, board, MaintenanceDevices())
    mode.publish()
    return mode, board


def test_the_state_survives_a_restart(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.maintenance.audit")
    first, _ = maintenance(tmp_path / "var")
    assert first.accepts_members
    first.set_out_of_service("printer")
    assert not first.accepts_members
    again, board = maintenance(tmp_path / "var")  # a new shell process reads the file
    assert again.state.out_of_service
    assert again.state.reason == "printer"
    assert board.snapshot().out_of_service == "printer"
    assert "kiosk put out of service by a technician: printer" in caplog.text
    again.set_in_service()
    assert maintenance(tmp_path / "var")[0].state == IN_SERVICE
    assert "kiosk back in service" in caplog.text


def test_an_unreadable_state_keeps_the_kiosk_out(tmp_path: Path) -> None:
    store = ServiceStateStore(tmp_path / "service.json")
    assert store.load() == IN_SERVICE
    store.path.write_text("{not json")
    assert (store.load().out_of_service, store.load().reason) == (True, UNREADABLE)
    store.path.write_text('{"out_of_service": true, "reason": "no spaces allowed", "since": 1}')
    assert store.load().reason == UNREADABLE
    with pytest.raises(ValueError, match="short code"):
        ServiceState.out("Druckerpapier leer", 0)


def test_the_service_check_reads_the_board(tmp_path: Path) -> None:
    board = ShellStatusBoard(tmp_path / "shell-status.json", "0.1.0")
    check = ServiceCheck(board.path)
    assert check.run().level is Level.WARNING  # no shell report yet
    board.write()
    ok = check.run()
    assert (ok.level, ok.summary, ok.context["status"]) == (Level.OK, "in service", "online")
    assert [(s.name, s.value) for s in ok.samples] == [("kiosk_out_of_service", 0)]
    board.service("network", since=1_764_320_000.0)
    board.write()
    assert read_shell_status(board.path).out_of_service == "network"  # type: ignore[union-attr]
    out = check.run()
    assert (out.level, out.summary) == (Level.FAULT, "out of service: network")
    assert out.context["status"] == "offline"
    assert {s.name: s.value for s in out.samples} == {
        "kiosk_out_of_service": 1,
        "kiosk_out_of_service_since_timestamp_seconds": 1_764_320_000.0,
    }
    assert ServiceCheck(board.path, max_age_s=-1).run().level is Level.WARNING  # stale


def test_the_reporter_runs_the_service_check(tmp_path: Path) -> None:
    mode, board = maintenance(tmp_path / "var")
    client = BackEndClient(ClientSettings(base_url="http://127.0.0.1:9/", device_id="KIOSK-0001"))
    names = [c.name for c in standard_checks(load_config(tmp_path / "var" / "kiosk.toml"), client)]
    assert "service" in names
    client.close()
    mode.set_out_of_service("hardware")
    board.write()
    reporter = Reporter([ServiceCheck(board.path)])
    reporter.run_once()
    assert "kiosk_out_of_service 1" in reporter.metrics()
    assert 'kiosk_health_check_status{check="service",level="fault"} 1' in reporter.metrics()


def test_the_heartbeat_carries_the_reason(tmp_path: Path) -> None:
    mode, board = maintenance(tmp_path / "var")
    mode.set_out_of_service("cleaning")
    board.write()
    results = Reporter([ServiceCheck(board.path)]).run_once()
    body = heartbeat_body(results, "0.1.0", outbox_pending=0)
    assert body["peripherals"]["service"] == {"status": "offline", "detail": "out of service: cleaning"}
    assert body["overall"] == "offline"  # taken out on purpose: not a hardware error
    board.device("card_reader", DeviceStatus.NO_DEVICE, "cannot open /dev/ttyUSB0")
    board.write()
    both = heartbeat_body(
        Reporter([ServiceCheck(board.path), DeviceCheck("card_reader", board.path)]).run_once(), "0.1.0", 0
    )
    assert both["overall"] == "hardwareError"  # a real fault still shows as one
    script = Script(default=Answer(202, b'{"received_at": "2026-11-28T08:00:00Z", "clock_offset_s": 0.1}'))
    with scripted_server(script) as url:
        queue = HeartbeatQueue(BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001")))
        queue.add(body)
        assert queue.flush() == 1
        queue.client.close()
    sent = json.loads(script.seen[0].body)
    assert sent["peripherals"]["service"]["detail"] == "out of service: cleaning"
    mode.set_in_service()
    board.write()
    back = heartbeat_body(Reporter([ServiceCheck(board.path)]).run_once(), "0.1.0", 0)
    assert back["peripherals"]["service"] == {"status": "online", "detail": "in service"}
    assert back["overall"] == "online"


def test_the_reference_back_end_accepts_it(fundcenter: EmbeddedBackEnd, tmp_path: Path) -> None:
    kiosk = new_kiosk(fundcenter)
    assert fundcenter.url is not None
    mode, board = maintenance(tmp_path / "var")
    mode.set_out_of_service("maintenance")
    board.write()
    client = BackEndClient(
        ClientSettings(base_url=fundcenter.url, device_id=kiosk.device_id, signer=kiosk.signer())
    )
    queue = HeartbeatQueue(client)
    Reporter([ServiceCheck(board.path)], queue).run_once()
    assert (queue.sent, len(queue)) == (1, 0)
    client.close()


def test_the_shell_builds_it_from_its_config_and_the_saved_state_is_published(tmp_path: Path) -> None:
    first, _ = maintenance(tmp_path / "var")
    first.set_out_of_service("network")
    cfg = load_config(tmp_path / "var" / "kiosk.toml")
    board = ShellStatusBoard(cfg.paths.shell_status, "0.1.0")
    shell = Maintenance.from_config(cfg, board, MaintenanceDevices())
    assert board.snapshot().out_of_service == "network"  # published at start, before any technician
    assert shell.outbox is not None
    assert shell.outbox_rows() == []
    shell.outbox.close()
