import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.embedded_backend import EmbeddedBackEnd
from provisioning import discover
from provisioning.cli import main
from provisioning.discover import Discovery, SerialPort
from provisioning.install import InstallPlan, install, udev_rules
from tests.provisioning.conftest import Rig

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
CAGE = Path("/usr/bin/cage")


def plan(root: Path, source: Path, discovery: Discovery | None = None) -> InstallPlan:
    return InstallPlan(root=root, config_source=source, discovery=discovery)


def test_install_writes_config_units_and_rule_into_a_root(rig: Rig, tmp_path: Path) -> None:
    root = tmp_path / "root"
    found = discover.discover(load_config(rig.config), by_id_dir=rig.by_id)
    done = install(plan(root, rig.config, found))
    assert done.config == root / "etc/fund-kiosk/kiosk.toml"
    cfg = load_config(done.config)
    assert cfg.card_reader.port == rig.reader_port  # the by-id name, not /dev/pts/N
    assert cfg.printers.receipt_port == rig.receipt_port
    assert stat.S_IMODE(done.config.stat().st_mode) == 0o644
    assert [p.name for p in (root / "etc/fund-kiosk").iterdir()] == ["kiosk.toml"]  # no temp left
    names = sorted(p.name for p in done.units)
    assert names == ["fund-kiosk-health.service", "fund-kiosk-outbox.service", "fund-kiosk-shell.service"]
    shell = (root / "etc/systemd/system/fund-kiosk-shell.service").read_text("utf-8")
    assert (
        f"ExecStart=/usr/bin/cage -d -- {sys.prefix}/bin/kiosk run --config /etc/fund-kiosk/kiosk.toml"
        in shell
    )
    health = (root / "etc/systemd/system/fund-kiosk-health.service").read_text("utf-8")
    for line in ("Type=notify", "WatchdogSec=60", "Restart=always", "StartLimitBurst=5"):
        assert line in health
    outbox = (root / "etc/systemd/system/fund-kiosk-outbox.service").read_text("utf-8")
    assert "kiosk outbox-sender --config /etc/fund-kiosk/kiosk.toml" in outbox
    wants = root / "etc/systemd/system/multi-user.target.wants/fund-kiosk-health.service"
    assert os.readlink(wants) == "/etc/systemd/system/fund-kiosk-health.service"
    rule = (root / "etc/udev/rules.d/70-fund-kiosk.rules").read_text("utf-8")
    assert "has no USB ids" in rule  # ptys: said, not invented


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze missing: `make install` adds systemd")
@pytest.mark.skipif(not CAGE.exists(), reason="cage missing: `make install` adds it")
def test_systemd_analyze_verify_accepts_the_units(rig: Rig, tmp_path: Path) -> None:
    done = install(plan(tmp_path / "root", rig.config))
    assert SYSTEMD_ANALYZE is not None
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", *map(str, done.units)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not even a warning (an unknown key is only a warning)


def test_verify_does_catch_a_broken_unit(tmp_path: Path) -> None:
    """The check above can fail: a unit with a missing program and a typo is reported."""
    assert SYSTEMD_ANALYZE is not None
    unit = tmp_path / "broken.service"
    unit.write_text("[Service]\nExecStart=/nonexistent/kiosk\nRestartt=always\n", "utf-8")
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Restartt" in result.stderr
    assert "/nonexistent/kiosk" in result.stderr


def test_a_bad_config_is_refused_and_the_installed_one_stays(rig: Rig, tmp_path: Path) -> None:
    root = tmp_path / "root"
    done = install(plan(root, rig.config))
    before = done.config.read_bytes()
    bad = tmp_path / "bad.toml"
    bad.write_text("[display]\nwidth = 10\n", "utf-8")
    with pytest.raises(ConfigError, match=r"display\.width"):
        install(plan(root, bad))
    assert done.config.read_bytes() == before


def test_udev_rule_for_usb_adapters() -> None:
    found = Discovery(
        serial_ports=[
            SerialPort(
                "/dev/ttyUSB0", "/dev/serial/by-id/usb-1a86-if00", "1a86", "7523", "A1B2", role="idcard"
            ),
            SerialPort("/dev/ttyACM0", None, "0fe6", "811e", None, role="receipt"),
        ]
    )
    rules = udev_rules(found)
    assert (
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523", ATTRS{serial}=="A1B2", '
        'SYMLINK+="fund-kiosk/idcard", GROUP="dialout", MODE="0660"'
    ) in rules
    assert 'ATTRS{idProduct}=="811e", SYMLINK+="fund-kiosk/receipt"' in rules


def test_install_command(rig: Rig, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "root"
    argv = ["install", "--root", str(root), "--config", str(rig.config), "--by-id-dir", str(rig.by_id)]
    assert main(argv) == 0
    assert "fund-kiosk-shell.service" in capsys.readouterr().out
    assert load_config(root / "etc/fund-kiosk/kiosk.toml").card_reader.port == rig.reader_port


def test_the_outbox_sender_service_runs_and_stops_on_sigterm(
    fundcenter: EmbeddedBackEnd, tmp_path: Path
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[back_end]\nurl = "{fundcenter.url}"\n[paths]\nvar_dir = "{tmp_path}"\n', "utf-8")
    kiosk = Path(sys.prefix) / "bin" / "kiosk"
    process = subprocess.Popen(
        [str(kiosk), "outbox-sender", "--config", str(config), "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = 30.0
        while not (tmp_path / "outbox.db").exists() and deadline > 0:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            deadline -= 0.1
            subprocess.run(["sleep", "0.1"], check=True)
        assert (tmp_path / "outbox.db").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
