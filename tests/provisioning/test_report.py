import json
import subprocess
from pathlib import Path

import cv2
import pytest
import requests

from kiosk.config import load_config
from provisioning import discover, records, report, selftest
from provisioning.cli import main
from provisioning.enroll import EnrolRequest, enroll
from provisioning.selftest import SelftestOptions
from tests.pdfs import assert_fonts_embedded
from tests.provisioning.conftest import Center, Rig


def qr_in(pdf: Path, tmp_path: Path) -> str:
    """Render the PDF's first page as an image and decode its QR code, as a phone would."""
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    image = cv2.imread(str(tmp_path / "page.png"))
    assert image is not None
    text, points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert points is not None, "no QR code found on the page"
    return str(text)


def test_the_report_qr_opens_the_devices_record(rig: Rig, center: Center, tmp_path: Path) -> None:
    cfg = load_config(rig.config)
    done = enroll(
        EnrolRequest(
            center.url, center.token("KIOSK-0301"), center.pin, "KIOSK-0301", cfg.paths.identity, rig.config
        )
    )
    cfg = load_config(rig.config)
    records.save(cfg, "discover", discover.discover(cfg, by_id_dir=rig.by_id).as_json())
    results = selftest.run_all(cfg, SelftestOptions(card_timeout_s=2, frames=3))
    records.save(cfg, "selftest", [r.as_json() for r in results])
    built = report.build(cfg, "王师傅 (工号 0417)")
    json_path, pdf_path = report.write(built, tmp_path / "out")

    url = qr_in(pdf_path, tmp_path)
    assert url == f"{center.url}v1/devices/KIOSK-0301/record" == built.record_url
    record = requests.get(url, verify=str(cfg.paths.identity / "center-ca.pem"), timeout=30).json()
    assert record["certificate_serial"] == done.serial
    assert record["status"] == "active"

    saved = json.loads(json_path.read_text("utf-8"))
    assert saved["certificate"]["certificate_sha256"] == done.fingerprint_sha256
    assert saved["technician"] == "王师傅 (工号 0417)"
    assert saved["selftest_passed"] is True, [c for c in saved["checks"] if not c["passed"]]
    kinds = {p["kind"]: p for p in saved["peripherals"]}
    reader = kinds["ID card reader 身份证阅读器"]
    assert reader["selftest"] == "pass"
    assert "SAM " in reader["serial"]
    assert kinds["A4 printer 证明打印机"]["serial"].startswith("kioskpdf:")
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "安装报告" in text
    assert "KIOSK-0301" in text
    assert done.fingerprint_sha256 in text
    assert_fonts_embedded(pdf_path)


def test_report_command_before_enrolment_still_reports(
    rig: Rig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert (
        main(["report", "--config", str(rig.config), "--technician", "李工", "--out", str(out), "--json"])
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["certificate"] is None
    assert printed["selftest_passed"] is False  # nothing was tested: not a pass
    (pdf,) = out.glob("*.pdf")
    assert qr_in(pdf, tmp_path) == printed["record_url"]
