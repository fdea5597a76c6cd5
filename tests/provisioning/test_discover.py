import json
import re
from pathlib import Path

import pytest

from kiosk.config import load_config
from provisioning import discover
from provisioning.cli import main
from tests.provisioning.conftest import PRINTER_BY_ID, READER_BY_ID, Rig


def test_discover_finds_every_simulated_peripheral_by_its_stable_name(rig: Rig) -> None:
    found = discover.discover(load_config(rig.config), by_id_dir=rig.by_id)
    reader = found.port_for(discover.ROLE_CARD_READER)
    assert reader is not None
    assert reader.by_id == rig.reader_port
    assert reader.device.startswith("/dev/pts/")  # the kernel name the link resolves to
    assert reader.sam_id is not None
    assert re.fullmatch(r"\d{2,3}\.\d{2}-\d{8}-\d{10}-\d{10}", reader.sam_id)
    assert reader.model == "1a86 USB Serial CH340"
    printer = found.port_for(discover.ROLE_RECEIPT)
    assert printer is not None
    assert printer.by_id == rig.receipt_port
    assert "paper full" in printer.detail
    assert [p.role for p in found.serial_ports].count(None) == 0
    (camera,) = found.cameras
    assert (camera.ok, camera.width, camera.height) == (True, 640, 480)
    assert 10 < camera.fps < 40  # the simulator keeps its 30 fps
    (queue,) = found.cups_queues
    assert (queue.name, queue.ready, queue.state) == ("kiosk-a4", True, "online")
    assert queue.device_uri.startswith("kioskpdf:")
    assert rig.reader.requests  # the reader was really asked
    # the receipt printer never saw a card reader's frame (DLE EOT went first and it answered)
    assert rig.receipt.receipts == []
    assert rig.receipt.printed_bytes == 0


def test_a_port_where_nothing_answers_has_no_role(rig: Rig, tmp_path: Path) -> None:
    rig.reader.set_faults(rig.reader.faults.__class__(silence=True))
    found = discover.discover(load_config(rig.config), by_id_dir=rig.by_id)
    by_link = {p.by_id: p for p in found.serial_ports}
    assert by_link[rig.reader_port].role is None
    assert "no known device answers" in by_link[rig.reader_port].detail


def test_a_missing_camera_is_reported_not_raised(rig: Rig) -> None:
    info = discover.probe_camera("camsim:///nonexistent/clip.mp4")
    assert not info.ok
    assert "no such file" in info.detail


def test_discover_command_json_and_table(rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["discover", "--config", str(rig.config), "--by-id-dir", str(rig.by_id)]
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    roles = {Path(p["by_id"]).name: p["role"] for p in data["serial_ports"]}
    assert roles == {READER_BY_ID: "idcard", PRINTER_BY_ID: "receipt"}
    assert data["cups_queues"][0]["name"] == "kiosk-a4"
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert READER_BY_ID in table
    assert "kiosk-a4" in table


def test_udev_is_asked_where_libudev_is() -> None:
    """pyudev and libudev are installed by the project: udev answers (here perhaps with no USB port,
    as in a container), and only real serial devices come back, never virtual consoles."""
    ports = discover._udev_serial_ports()
    assert ports is not None
    assert all(p.device.startswith("/dev/tty") and (p.by_id or p.vendor_id or p.model) for p in ports)
