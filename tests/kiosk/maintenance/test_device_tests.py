"""The technician's device tests against the simulators, the outbox view and the log tail."""

import logging
import queue
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.camera.device import Camera
from drivers.camera.simulator import SimulatedCamera
from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import CardEvent, CardPlaced, CardPoller, CardRemoved
from drivers.idcard.simulator import SimulatedReader, demo_cards, register, unregister
from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty
from drivers.printer.spool import SpoolDocumentPrinter
from kiosk.logs import RecentLines, TextFormatter
from kiosk.maintenance.device_tests import (
    check_camera,
    check_card_reader,
    check_document_printer,
    check_receipt_printer,
    exposure,
    face_counter,
)
from kiosk.maintenance.mode import card_reader_of
from kiosk.maintenance.outbox_view import outbox_rows
from kiosk.outbox.store import Outbox, State
from tests.conftest import repo_root
from tests.pdfs import assert_fonts_embedded

FACES = repo_root() / "tests" / "fixtures" / "faces"


def test_a_card_on_the_simulated_reader_is_read_and_shown_masked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.maintenance.audit")
    result = check_card_reader(IdCardReader("idcardsim://?card=resident&pace=0"), timeout_s=2)
    assert result.ok
    assert result.code == "card_read"
    assert result.values["id_number"].count("*") == 10
    assert "*" in result.values["name"]
    assert "maintenance test card_reader: card_read" in caplog.text


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("idcardsim://?card=none&pace=0", "no_card"),
        ("idcardsim://?fault=silence", "reader_silent"),
        ("idcardsim://?fault=sam_selftest_fail&pace=0", "sam_failed"),
        ("idcardsim://?fault=read_fail&pace=0", "card_unreadable"),
        ("/dev/ttyNOSUCHREADER", "reader_unavailable"),
    ],
)
def test_card_reader_failures_are_named(url: str, code: str) -> None:
    reader = IdCardReader(url, command_timeout_s=0.2)
    result = check_card_reader(reader, timeout_s=0.5)
    assert (result.ok, result.code) == (False, code)
    assert not reader.is_open


def test_a_frame_with_its_exposure_and_faces() -> None:
    with Camera(SimulatedCamera([FACES / "obama_1.jpg"], fps=30)) as camera:
        result = check_camera(camera, face_counter())
    assert result.ok
    assert result.code == "frame_faces"
    assert (result.values["width"], result.values["height"]) == ("640", "480")
    assert result.values["faces"] == "1"
    assert result.values["exposure"] == "ok"
    assert [exposure(20), exposure(120), exposure(240)] == ["dark", "ok", "bright"]


def test_an_unplugged_camera_has_no_frame() -> None:
    sim = SimulatedCamera([FACES / "obama_1.jpg"], fps=30)
    sim.unplug()
    with Camera(sim, reconnect_delay_s=0.1) as camera:
        result = check_camera(camera, timeout_s=0.5)
    assert (result.ok, result.code) == (False, "no_frame")


def test_the_test_page_reaches_the_document_printer(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    assert check_document_printer(SpoolDocumentPrinter(spool), "KIOSK-0001").ok
    (printed,) = spool.iterdir()
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert "自助终端打印测试页" in text
    assert "KIOSK-0001" in text
    assert_fonts_embedded(printed)  # read without poppler-data, printed without the printer's fonts
    failed = check_document_printer(SpoolDocumentPrinter(tmp_path / "absent"), "KIOSK-0001")
    assert (failed.ok, failed.code) == (False, "print_failed")
    assert failed.values["message"]  # the printer's own calm Chinese sentence


def test_the_test_receipt_comes_out_of_the_receipt_printer() -> None:
    sim = SimulatedReceiptPrinter()
    with EscPosPty(sim) as pty, ReceiptPrinter(pty.path) as printer:
        assert check_receipt_printer(printer, "KIOSK-0001").ok
        (receipt,) = sim.receipts
        assert receipt.lines[:2] == ["打印测试", "终端：KIOSK-0001"]
        assert receipt.qr_codes == ["kiosk-test:KIOSK-0001"]
        sim.set_faults("paper_out")
        failed = check_receipt_printer(printer, "KIOSK-0001")
    assert (failed.ok, failed.values["message"]) == (False, "打印纸已用完，请联系工作人员添加纸张")


def test_the_outbox_view_has_no_personal_data(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    body = {"id_number": "371302198806120029", "bank_card": "6222021234567890123"}
    first = outbox.enqueue("withdrawal", "v1/withdrawals", body, session_token="secret-token")
    outbox.attempted(first.key, State.UNKNOWN, "timeout for card 6222021234567890123")
    second = outbox.enqueue("withdrawal", "v1/withdrawals", body)
    outbox.flag_for_person(second.key, "older than the back end keeps keys")
    done = outbox.enqueue("withdrawal", "v1/withdrawals", body)
    outbox.finish(done.key, State.DONE, {"id": 1})
    rows = outbox_rows(outbox, now=time.time() + 90)
    outbox.close()
    assert [(r.state, r.attempts) for r in rows] == [("unknown", 1), ("needs_person", 0)]
    assert all(85 < r.age_s < 120 for r in rows)
    assert rows[0].key_hint == first.key[:8]
    shown = repr(rows)
    assert "371302198806120029" not in shown
    assert "6222021234567890123" not in shown
    assert "secret-token" not in shown


def test_the_log_tail_keeps_recent_masked_lines() -> None:
    recent = RecentLines(capacity=3)
    log = logging.getLogger("tests.maintenance.tail")
    log.addHandler(recent)
    log.setLevel(logging.INFO)
    try:
        for n in range(4):
            log.info("line %d", n)
        log.info("card read", extra={"ctx": {"id_number": "371302198806120029"}})
        log.info("phone 13812345678 called", exc_info=(ValueError, ValueError("x"), None))
    finally:
        log.removeHandler(recent)
    lines = recent.tail(10)
    assert len(lines) == 3
    assert lines[0].endswith("line 3")
    assert "id_number=3713**********0029" in lines[1]
    assert "138****5678" in lines[2]
    assert "Traceback" not in "\n".join(lines)
    assert recent.tail(1) == lines[-1:]
    assert isinstance(recent.formatter, TextFormatter)


def test_the_pin_cli_prints_a_config_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.maintenance", "pin", "--stdin"],
        input="246810\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=repo_root(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('pin_hash = "scrypt$16384$8$1$')
    assert "246810" not in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk.maintenance", "pin", "--stdin"],
        input="1234\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=repo_root(),
    )
    assert (bad.returncode, bad.stderr.strip()) == (2, "maintenance pin: a technician PIN is 6 to 12 digits")


def test_the_card_test_borrows_the_shells_reader_from_its_poller(tmp_path: Path) -> None:
    reader = SimulatedReader(next(iter(demo_cards().values())))
    url = register("maintenance-poller", reader) + "?pace=0"
    events: queue.Queue[CardEvent] = queue.Queue()
    poller = CardPoller(IdCardReader(url), events.put, interval_s=0.05)
    poller.start()
    try:
        assert isinstance(wait_for(events, CardPlaced), CardPlaced)
        result = check_card_reader(card_reader_of(poller)(), timeout_s=2)
        assert result.ok
        assert not poller.reader.is_open  # the test closed it; the poller is stopped
        poller.start()  # leaving maintenance: the shell polls the reader again
        reader.remove()
        assert isinstance(wait_for(events, CardRemoved), CardRemoved)
        reader.place(next(iter(demo_cards().values())))
        assert isinstance(wait_for(events, CardPlaced), CardPlaced)
    finally:
        poller.stop()
        unregister("maintenance-poller")


def wait_for(events: queue.Queue[CardEvent], kind: type) -> CardEvent:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        event = events.get(timeout=max(0.01, deadline - time.monotonic()))
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__} within 10 s")


def test_the_totp_cli_writes_an_owner_only_secret(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[paths]\nvar_dir = "{tmp_path / "var"}"\n[kiosk]\ndevice_id = "KIOSK-0042"\n', "utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.maintenance", "totp", "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo_root(),
    )
    assert done.returncode == 0, done.stderr
    secret_file = tmp_path / "var" / "identity" / "maintenance-totp.secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_text().strip()
    assert f"otpauth://totp/fund-kiosk%3AKIOSK-0042?secret={secret}&" in done.stdout
