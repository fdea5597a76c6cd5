from pathlib import Path

import pytest

from drivers.printer import errors
from drivers.printer.spool import SpoolDocumentPrinter
from drivers.status import DeviceStatus
from tests.pdfs import text_pdf


def test_spool_writes_the_pdf_whole(tmp_path: Path) -> None:
    pdf = tmp_path / "in.pdf"
    pdf.write_bytes(text_pdf(["hello"]))
    spool = tmp_path / "spool"
    spool.mkdir()
    printer = SpoolDocumentPrinter(spool)
    assert printer.health().device is DeviceStatus.ONLINE
    first = printer.print_pdf(pdf, "deposit certificate/../x")
    second = printer.print_pdf(pdf, "certificate")
    assert (first.job_id, second.job_id) == (1, 2)
    files = sorted(spool.iterdir())
    assert [f.name.split("-", 1)[1] for f in files] == [
        "0001-deposit_certificate_.._x.pdf",
        "0002-certificate.pdf",
    ]
    assert all(f.read_bytes() == pdf.read_bytes() for f in files)


def test_a_missing_directory_is_no_device(tmp_path: Path) -> None:
    printer = SpoolDocumentPrinter(tmp_path / "absent")
    assert printer.health().device is DeviceStatus.NO_DEVICE
    with pytest.raises(errors.PrinterOffline):
        printer.print_pdf(tmp_path / "x.pdf", "certificate")
