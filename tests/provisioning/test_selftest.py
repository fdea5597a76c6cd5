import datetime as dt
import email.utils
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import load_config
from kiosk.embedded_backend import EmbeddedBackEnd
from provisioning import configfile, selftest
from provisioning.cli import main
from provisioning.selftest import SelftestOptions
from tests.provisioning.conftest import Rig
from tests.support.scripted_server import Answer, Script, scripted_server

FAST = SelftestOptions(card_timeout_s=2.0, frames=5)


def point_at(rig: Rig, url: str) -> None:
    configfile.update(rig.config, {"back_end": {"url": url}})


def by_check(results: list[selftest.Result]) -> dict[str, selftest.Result]:
    return {r.check: r for r in results}


def test_every_device_and_the_back_end_pass(rig: Rig, fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    point_at(rig, fundcenter.url)
    results = selftest.run_all(load_config(rig.config), FAST)
    assert selftest.passed(results), [r for r in results if not r.passed]
    checks = by_check(results)
    assert list(checks) == [
        "card_reader",
        "camera",
        "document_printer",
        "receipt_printer",
        "back_end",
        "clock",
    ]
    card = checks["card_reader"].detail
    assert card["sam_id"]
    assert "*" in str(card["id_number"])  # masked, never the full number
    assert checks["camera"].detail["faces"] == "1"  # the photo the simulated camera plays has one face
    assert (checks["camera"].detail["width"], checks["camera"].detail["height"]) == ("640", "480")
    (page,) = rig.cupsd.printed()
    assert page.read_bytes().startswith(b"%PDF")
    (receipt,) = rig.receipt.receipts
    assert receipt.cut
    assert "打印测试" in receipt.lines[0]


def test_failures_say_why_and_what_to_try(rig: Rig, tmp_path: Path) -> None:
    rig.reader.remove()
    rig.receipt.set_faults("paper_out")
    rig.cupsd.set_fault("media-empty")
    dark = tmp_path / "dark.png"
    noise = np.random.default_rng(1).integers(0, 30, (480, 640, 3), dtype=np.uint8)
    cv2.imwrite(str(dark), noise)
    configfile.update(
        rig.config, {"camera": {"source": f"camsim://{dark}"}, "back_end": {"url": "http://127.0.0.1:9/"}}
    )
    results = by_check(selftest.run_all(load_config(rig.config), FAST))
    assert not any(r.passed for r in results.values())
    assert results["card_reader"].reason == "no card within 2 s"
    assert results["card_reader"].fix is not None
    assert "测试身份证" in results["card_reader"].fix.zh
    assert results["camera"].reason.startswith("too dark")
    assert results["receipt_printer"].fix is not None
    assert "PaperOut" in results["receipt_printer"].reason
    assert "cupsenable kiosk-a4" in (results["document_printer"].fix or selftest.Fix("", "")).en
    assert "not reachable" in results["back_end"].reason


def test_a_clock_off_by_minutes_fails(rig: Rig) -> None:
    late = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10), usegmt=True)
    healthy = Answer(
        body=b'{"status": "ok", "version": "test"}',
        headers={"Content-Type": "application/json", "Date": late},
    )
    with scripted_server(Script(default=healthy)) as url:
        point_at(rig, url)
        results = by_check(selftest.run_all(load_config(rig.config), FAST, only={"back_end"}))
    assert results["back_end"].passed
    assert not results["clock"].passed
    assert results["clock"].fix is not None
    assert "timedatectl" in results["clock"].fix.zh
    offset = results["clock"].detail["offset_s"]
    assert isinstance(offset, float)
    assert 590 < offset < 610


def test_an_unconfigured_device_is_skipped(rig: Rig) -> None:
    configfile.update(rig.config, {"printers": {"receipt_port": ""}})
    results = by_check(selftest.run_all(load_config(rig.config), FAST, only={"receipt_printer"}))
    assert results["receipt_printer"].skipped
    assert results["receipt_printer"].passed


def test_selftest_command_exit_code_and_record(rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["selftest", "--config", str(rig.config), "--card-timeout", "2", "--only", "card_reader"]
    assert main([*argv, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["passed"] is True
    rig.reader.remove()
    assert main(argv) == 1
    assert "FAIL" in capsys.readouterr().out
    saved = json.loads((load_config(rig.config).paths.var_dir / "provisioning" / "selftest.json").read_text())
    assert saved[0]["passed"] is False
