"""Deposit certificates from the real server: signature (pyHanko and poppler), text layer, verification."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import requests
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.conftest import new_kiosk
from tests.fundcenter.helpers import CHEN, HE, MA, TIMEOUT, fundcenter_cli
from tests.pdfs import assert_fonts_embedded

LABELS = [
    "个人住房公积金缴存证明",
    "姓名",
    "证件类型",
    "证件号码",
    "个人账号",
    "单位名称",
    "单位账号",
    "开户日期",
]
LABELS += [
    "账户状态",
    "缴存基数",
    "单位缴存比例",
    "个人缴存比例",
    "月缴存额",
    "缴至年月",
    "账户余额",
    "贷款情况",
]
LABELS += ["出具日期", "验证码", "经办"]


@pytest.fixture(scope="module")
def issued(fundcenter: EmbeddedBackEnd, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict]:
    kiosk = new_kiosk(fundcenter)
    assert kiosk.open_session(HE).status_code == 201
    account = kiosk.get("v1/account").json()
    response = kiosk.post("v1/certificates", None)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path_factory.mktemp("certificate") / "certificate.pdf"
    path.write_bytes(response.content)
    account["device_id"] = kiosk.device_id
    return path, response.headers["X-Verification-Code"], account


def trust_root(fundcenter: EmbeddedBackEnd, tmp_path: Path) -> Path:
    pem = requests.get(f"{fundcenter.url}v1/certificates/trust.pem", timeout=TIMEOUT).text
    path = tmp_path / "root.pem"
    path.write_text(pem)
    return path


def validate(pdf: bytes, root: Path) -> object:
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(root))])
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def test_signature_validates_with_pyhanko(
    fundcenter: EmbeddedBackEnd, issued: tuple[Path, str, dict], tmp_path: Path
) -> None:
    pdf, _code, _account = issued
    status = validate(pdf.read_bytes(), trust_root(fundcenter, tmp_path))
    assert status.intact  # type: ignore[attr-defined]
    assert status.valid  # type: ignore[attr-defined]
    assert status.trusted  # type: ignore[attr-defined]
    assert status.bottom_line  # type: ignore[attr-defined]
    assert status.signing_cert.subject.native["common_name"] == "Fund Center Certificate Seal"  # type: ignore[attr-defined]


def test_tampering_breaks_the_signature(
    fundcenter: EmbeddedBackEnd, issued: tuple[Path, str, dict], tmp_path: Path
) -> None:
    data = bytearray(issued[0].read_bytes())
    where = data.index(b"/Title")
    data[where + 8] ^= 0x01  # one bit inside the signed range
    status = validate(bytes(data), trust_root(fundcenter, tmp_path))
    assert not status.intact  # type: ignore[attr-defined]


def test_signature_validates_with_pdfsig(issued: tuple[Path, str, dict]) -> None:
    done = subprocess.run(["pdfsig", str(issued[0])], capture_output=True, text=True, check=True, timeout=60)
    assert "Signature Validation: Signature is Valid." in done.stdout
    assert "Total document signed" in done.stdout
    assert "ETSI.CAdES.detached" in done.stdout  # PAdES


def test_text_layer_holds_every_field(fundcenter: EmbeddedBackEnd, issued: tuple[Path, str, dict]) -> None:
    pdf, code, account = issued
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    for label in LABELS:
        assert label in text, label
    check = requests.get(f"{fundcenter.url}v1/certificates/verify/{code}", timeout=TIMEOUT).json()
    printed = dict(check["fields"], name=account["name"], id_number=account["id_number"])
    for key, value in printed.items():
        if key == "title":
            continue
        assert value in text, (key, value)
    assert account["personal_account"] in text
    assert account["unit_account"] in text
    assert "6,123.00 元" in text  # balance 612300 fen
    assert "12,000.00 元" in text  # contribution base
    assert f"经办：自助终端 {account['device_id']}" in text
    assert_fonts_embedded(pdf)
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert all(r[-4:-2] == ["yes", "yes"] for r in rows)  # a subset, with a unicode map


def test_verification_page_and_endpoint_find_it(
    fundcenter: EmbeddedBackEnd, issued: tuple[Path, str, dict]
) -> None:
    _pdf, code, account = issued
    page = requests.get(f"{fundcenter.url}verify/{code}", timeout=TIMEOUT)
    assert page.status_code == 200
    assert code in page.text
    assert "何**" in page.text
    assert account["id_number"] not in page.text
    relaxed = requests.get(
        f"{fundcenter.url}v1/certificates/verify/{code.lower().replace('-', '')}", timeout=TIMEOUT
    )
    assert relaxed.status_code == 200
    assert relaxed.json()["code"] == code
    assert relaxed.json()["fields"]["id_number"] == "1101**********0719"
    missing = requests.get(f"{fundcenter.url}v1/certificates/verify/AAAA-BBBB-CCCC-DDDD", timeout=TIMEOUT)
    assert (missing.status_code, missing.json()["code"]) == (404, "certificate_not_found")
    assert requests.get(f"{fundcenter.url}verify/AAAA-BBBB-CCCC-DDDD", timeout=TIMEOUT).status_code == 404


def test_qr_code_points_at_the_verification_page(
    issued: tuple[Path, str, dict], fundcenter: EmbeddedBackEnd, tmp_path: Path
) -> None:
    import cv2

    _pdf, code, _account = issued
    expected = f"{fundcenter.url}verify/{code}"
    decoded = ""
    # OpenCV's detector misses some codes at one scale and reads them at another: a phone would too.
    for dpi in (150, 200, 300):
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(issued[0]), str(tmp_path / f"page{dpi}")],
            check=True,
            timeout=60,
        )
        image = cv2.imread(str(tmp_path / f"page{dpi}.png"))
        for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
            decoded, _points, _ = detector.detectAndDecode(image)
            if decoded:
                break
        if decoded:
            break
    assert decoded == expected
    assert requests.get(decoded, timeout=TIMEOUT).status_code == 200


def test_counter_issues_from_the_command_line(fundcenter: EmbeddedBackEnd, tmp_path: Path) -> None:
    out = tmp_path / "counter.pdf"
    done = fundcenter_cli(fundcenter.data_dir, "certificate", "--id-number", MA[0], "--out", str(out))
    assert done.returncode == 0, done.stderr
    code = done.stdout.split()[1]
    assert validate(out.read_bytes(), trust_root(fundcenter, tmp_path)).bottom_line  # type: ignore[attr-defined]
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "经办：柜台" in text
    assert "销户" in text
    assert requests.get(f"{fundcenter.url}v1/certificates/verify/{code}", timeout=TIMEOUT).status_code == 200
    nobody = fundcenter_cli(
        fundcenter.data_dir, "certificate", "--id-number", "110105199001010010", "--out", str(out)
    )
    assert nobody.returncode == 1
    assert "1101**********0010" in nobody.stderr


def test_sealed_member_certificate_says_since_when(fundcenter: EmbeddedBackEnd, tmp_path: Path) -> None:
    kiosk = new_kiosk(fundcenter)
    assert kiosk.open_session(CHEN).status_code == 201
    response = kiosk.post("v1/certificates", None)
    path = tmp_path / "sealed.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "封存（自2026年1月15日起）" in text
