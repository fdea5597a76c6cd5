"""Each check on real files, sockets and servers; levels, samples and the once-only logging."""

import datetime as dt
import logging
import time
from pathlib import Path

import pytest
import trustme

from drivers.status import DeviceStatus
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.health.checks import CheckResult, Level, TransitionLog, run_checks
from kiosk.health.link_checks import BackEndReachable, CertificateExpiry, ClockOffset, OutboxBacklog
from kiosk.health.shell_checks import DeviceCheck, LastTransaction, ShellLiveness
from kiosk.health.shell_status import ShellStatusBoard, read_shell_status
from kiosk.health.system_checks import CpuTemperature, DiskSpace, Memory
from kiosk.outbox.store import Outbox


def board(tmp_path: Path) -> ShellStatusBoard:
    return ShellStatusBoard(tmp_path / "run" / "shell-status.json", "0.1.0")


def test_disk_and_memory(tmp_path: Path) -> None:
    disk = DiskSpace(tmp_path).run()
    sizes = {s.name: s.value for s in disk.samples}
    assert set(sizes) == {"kiosk_disk_free_bytes", "kiosk_disk_size_bytes"}
    assert 0 < sizes["kiosk_disk_free_bytes"] <= sizes["kiosk_disk_size_bytes"]
    assert DiskSpace(tmp_path, warn_free_fraction=0.0, fault_free_fraction=0.0).run().level is Level.OK
    assert DiskSpace(tmp_path, warn_free_fraction=1.1, fault_free_fraction=1.0).run().level is Level.FAULT
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  4000000 kB\nMemFree: 10 kB\nMemAvailable:  100000 kB\n")
    memory = Memory(meminfo).run()
    assert memory.level is Level.FAULT
    assert memory.summary == "98 MiB available of 3906 MiB"


def test_cpu_temperature(tmp_path: Path) -> None:
    assert CpuTemperature(tmp_path).run().summary == "no temperature sensor on this machine"
    for i, milli in enumerate((45000, 81000)):
        (tmp_path / f"thermal_zone{i}").mkdir()
        (tmp_path / f"thermal_zone{i}" / "temp").write_text(f"{milli}\n")
    result = CpuTemperature(tmp_path).run()
    assert result.level is Level.WARNING
    assert result.samples[0].value == 81.0


def test_shell_liveness_and_devices(tmp_path: Path) -> None:
    b = board(tmp_path)
    assert ShellLiveness(b.path).run().level is Level.FAULT
    assert DeviceCheck("card_reader", b.path).run().level is Level.WARNING
    b.device("card_reader", DeviceStatus.ONLINE)
    b.device("receipt_printer", DeviceStatus.ONLINE, paper="low")
    b.device("document_printer", DeviceStatus.ONLINE, paper="out")
    b.write()
    assert ShellLiveness(b.path).run().level is Level.OK
    reader = DeviceCheck("card_reader", b.path).run()
    assert reader.level is Level.OK
    states = {s.labels["state"]: s.value for s in reader.samples if s.name == "kiosk_device_state"}
    assert states["online"] == 1
    assert states["noDevice"] == 0
    assert len(states) == len(DeviceStatus)
    assert DeviceCheck("receipt_printer", b.path).run().level is Level.WARNING
    assert DeviceCheck("document_printer", b.path).run().level is Level.FAULT
    assert DeviceCheck("camera", b.path).run().summary == "not configured on this kiosk"
    b.device("card_reader", DeviceStatus.NO_DEVICE, "cannot open /dev/ttyUSB0")
    b.write()
    unplugged = DeviceCheck("card_reader", b.path).run()
    assert unplugged.level is Level.FAULT
    assert "cannot open /dev/ttyUSB0" in unplugged.summary
    assert ShellLiveness(b.path, max_age_s=-1).run().level is Level.FAULT  # stale


def test_a_broken_status_file_is_no_status(tmp_path: Path) -> None:
    path = tmp_path / "shell-status.json"
    path.write_text(
        '{"written_at": 1, "pid": 1, "version": "x", "devices": {"card_reader": {"status": "exploded"}}}'
    )
    assert read_shell_status(path) is None


def test_last_transaction(tmp_path: Path) -> None:
    b = board(tmp_path)
    b.write()
    assert LastTransaction(b.path).run().summary == "no transaction yet since the shell started"
    b.transaction_succeeded()
    b.write()
    result = LastTransaction(b.path).run()
    assert result.samples[0].name == "kiosk_last_successful_transaction_timestamp_seconds"
    assert abs(result.samples[0].value - time.time()) < 60


def test_outbox_backlog(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    assert OutboxBacklog(outbox).run().level is Level.OK
    item = outbox.enqueue("withdrawal", "p", {})
    assert OutboxBacklog(outbox, warn_age_s=-1).run().level is Level.WARNING
    outbox.flag_for_person(item.key, "too old")
    stuck = OutboxBacklog(outbox).run()
    assert stuck.level is Level.FAULT
    assert "1 need a person" in stuck.summary
    outbox.close()


def test_certificate_expiry(tmp_path: Path) -> None:
    ca = trustme.CA()
    path = tmp_path / "device.pem"
    assert CertificateExpiry(path).run().summary == "no device certificate (not enrolled)"
    soon = ca.issue_cert("kiosk", not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    soon.cert_chain_pems[0].write_to_path(str(path))
    assert CertificateExpiry(path).run().level is Level.FAULT
    later = ca.issue_cert("kiosk", not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=300))
    later.cert_chain_pems[0].write_to_path(str(path))
    result = CertificateExpiry(path).run()
    assert result.level is Level.OK
    assert result.samples[0].name == "kiosk_tls_certificate_expiry_timestamp_seconds"


def test_back_end_and_clock_against_the_reference_back_end(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    client = BackEndClient(ClientSettings(base_url=fundcenter.url, device_id="KIOSK-0001"))
    assert ClockOffset(client).run().level is Level.WARNING  # not compared yet
    reachable = BackEndReachable(client).run()
    assert reachable.level is Level.OK
    assert {s.name: s.value for s in reachable.samples}["kiosk_backend_up"] == 1
    clock = ClockOffset(client).run()
    assert clock.level is Level.OK
    assert abs(clock.samples[0].value) < 5
    client.close()
    dead = BackEndClient(ClientSettings(base_url="http://127.0.0.1:9/", device_id="KIOSK-0001"))
    assert BackEndReachable(dead).run().level is Level.FAULT
    dead.close()


def test_a_crashing_check_is_a_fault_and_transitions_log_once(caplog: pytest.LogCaptureFixture) -> None:
    class Flaky:
        name = "flaky"
        level = Level.FAULT

        def run(self) -> CheckResult:
            if self.level is Level.FAULT:
                raise OSError("sensor bus error")
            return CheckResult(self.name, self.level, "fine")

    flaky = Flaky()
    log = TransitionLog()
    caplog.set_level(logging.INFO, logger="kiosk.health.checks")
    for _ in range(3):
        results = run_checks([flaky])
        log.record(results)
    assert results[0].level is Level.FAULT
    assert "check crashed: OSError: sensor bus error" in results[0].summary
    flaky.level = Level.OK
    for _ in range(3):
        log.record(run_checks([flaky]))
    messages = [
        r.getMessage()
        for r in caplog.records
        if r.name == "kiosk.health.checks" and "health flaky" in r.getMessage()
    ]
    assert messages == [
        "health flaky fault: check crashed: OSError: sensor bus error",
        "health flaky recovered: fine",
    ]
