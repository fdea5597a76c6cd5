"""A session's prints end to end: signed certificates through a real private cupsd, receipts through
the ESC/POS simulator on a pty; failures, reprints, refusals, and the withdrawal that still succeeded."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.escpos.protocol import Receipt
from drivers.printer.simulator.cupsd import PrivateCupsd
from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty
from drivers.printer.spool import SpoolDocumentPrinter
from kiosk.documents.printing import MAX_ATTEMPTS, DocumentPrinter, Kind, Outcome, SessionPrints
from kiosk.documents.verify import CertificateVerifier
from tests.pdfs import Identity, make_ca, make_signer, sign_pdf, text_pdf

LINES = ["Deposit certificate No. GJJ-2026-000123", "Member: Lin **", "Verification code: 7F3K-Q9WD"]
RECEIPT = Receipt(
    "住房公积金提取回执", (("业务流水号", "TQ20261128000123"), ("提取金额", "¥12,000.00")), qr="TQ1"
)


@pytest.fixture(scope="module")
def center() -> tuple[Identity, Identity]:
    ca = make_ca()
    return ca, make_signer(ca)


@pytest.fixture(scope="module")
def signed(center: tuple[Identity, Identity]) -> bytes:
    return sign_pdf(text_pdf(LINES), center[1], center[0])


@pytest.fixture
def receipts() -> Iterator[tuple[SimulatedReceiptPrinter, ReceiptPrinter]]:
    sim = SimulatedReceiptPrinter()
    with EscPosPty(sim) as pty, ReceiptPrinter(pty.path) as printer:
        yield sim, printer


@pytest.fixture
def cupsd(tmp_path: Path) -> Iterator[PrivateCupsd]:
    with PrivateCupsd(tmp_path / "cups") as server:
        yield server


def pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def session(
    center: tuple[Identity, Identity], documents: DocumentPrinter, receipts: ReceiptPrinter
) -> SessionPrints:
    return SessionPrints(documents, receipts, CertificateVerifier(center[0].cert_pem))


def test_a_signed_certificate_prints_through_cupsd_with_its_text_intact(
    center: tuple[Identity, Identity],
    signed: bytes,
    cupsd: PrivateCupsd,
    receipts: tuple[SimulatedReceiptPrinter, ReceiptPrinter],
    tmp_path: Path,
) -> None:
    prints = session(center, CupsDocumentPrinter(cupsd.queue(), poll_s=0.05), receipts[1])
    result = prints.print_certificate(signed)
    assert (result.kind, result.outcome, result.attempts) == (Kind.CERTIFICATE, Outcome.PRINTED, 1)
    (printed,) = cupsd.printed()
    assert printed.read_bytes() == signed
    assert pdftotext(printed.read_bytes(), tmp_path).split() == " ".join(LINES).split()
    assert not result.can_reprint


def test_paper_out_then_reprint_in_the_same_session(
    center: tuple[Identity, Identity],
    signed: bytes,
    cupsd: PrivateCupsd,
    receipts: tuple[SimulatedReceiptPrinter, ReceiptPrinter],
) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    prints = session(center, printer, receipts[1])
    cupsd.set_fault("media-empty")
    failed = prints.print_certificate(signed)
    assert (failed.outcome, failed.can_reprint) == (Outcome.FAILED, True)
    assert failed.message_zh == "打印纸已用完，请联系工作人员添加纸张"
    assert prints.pending_reprints() == [failed]
    cupsd.set_fault(None)
    printer.resume()  # staff added paper
    again = prints.reprint(failed.document_id)
    assert (again.outcome, again.attempts, again.document_id) == (Outcome.PRINTED, 2, failed.document_id)
    assert len(cupsd.printed()) == 1
    assert prints.reprint(failed.document_id) == again  # printed: not printed twice
    assert prints.pending_reprints() == []


@pytest.mark.parametrize("how", ["forged", "altered"])
def test_a_document_that_does_not_validate_is_refused_and_never_printed(
    how: str,
    center: tuple[Identity, Identity],
    signed: bytes,
    receipts: tuple[SimulatedReceiptPrinter, ReceiptPrinter],
    tmp_path: Path,
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    prints = session(center, SpoolDocumentPrinter(spool), receipts[1])
    if how == "forged":
        other = make_ca("Other CA")
        pdf = sign_pdf(text_pdf(LINES), make_signer(other), other)
    else:
        pdf = signed.replace(b"7F3K-Q9WD", b"7F3K-Q9WE")
    result = prints.print_certificate(pdf)
    assert (result.outcome, result.can_reprint) == (Outcome.REFUSED, False)
    assert "校验未通过" in result.message_zh
    assert prints.reprint(result.document_id) == result
    assert list(spool.iterdir()) == []
    ((digest, reason),) = prints.refusals
    assert len(digest) == 64
    assert reason == ("untrusted-signer" if how == "forged" else "altered")


def test_a_failed_receipt_never_hides_the_withdrawal(
    center: tuple[Identity, Identity],
    receipts: tuple[SimulatedReceiptPrinter, ReceiptPrinter],
    tmp_path: Path,
) -> None:
    sim, printer = receipts
    prints = session(center, SpoolDocumentPrinter(tmp_path), printer)
    sim.set_faults("paper_out")
    result = prints.print_withdrawal_receipt("TQ20261128000123", 1_200_000, RECEIPT)
    assert result.accepted
    assert result.headline_zh == "提取申请已成功提交，业务流水号 TQ20261128000123"
    assert result.receipt.outcome is Outcome.FAILED
    assert result.receipt_note_zh is not None
    assert result.receipt_note_zh.startswith("回执未能打印：打印纸已用完")
    assert "提取已成功" in result.receipt_note_zh
    assert "重新打印" in result.receipt_note_zh

    sim.set_faults()
    again = prints.reprint(result.receipt.document_id)
    assert again.outcome is Outcome.PRINTED
    assert sim.receipts[0].lines[0] == "住房公积金提取回执"


def test_attempts_run_out_and_wipe_forgets(
    center: tuple[Identity, Identity],
    receipts: tuple[SimulatedReceiptPrinter, ReceiptPrinter],
    tmp_path: Path,
) -> None:
    sim, printer = receipts
    prints = session(center, SpoolDocumentPrinter(tmp_path), printer)
    sim.set_faults("cover_open")
    result = prints.print_withdrawal_receipt("TQ1", 100, RECEIPT).receipt
    for _ in range(MAX_ATTEMPTS - 1):
        result = prints.reprint(result.document_id)
    assert (result.attempts, result.can_reprint) == (MAX_ATTEMPTS, False)
    assert "12329" in result.message_zh
    prints.wipe()
    with pytest.raises(KeyError):
        prints.reprint(result.document_id)


def test_a_receipt_printer_unplugged_mid_session_still_gives_the_withdrawal_result(
    center: tuple[Identity, Identity], tmp_path: Path
) -> None:
    sim = SimulatedReceiptPrinter()
    pty = EscPosPty(sim)
    pty.start()
    with ReceiptPrinter(pty.path) as printer:
        prints = session(center, SpoolDocumentPrinter(tmp_path), printer)
        assert prints.print_withdrawal_receipt("TQ1", 100, RECEIPT).receipt.outcome is Outcome.PRINTED
        pty.stop()  # the printer's side of the line is gone (unplugged)
        result = prints.print_withdrawal_receipt("TQ20261128000123", 1_200_000, RECEIPT)
    assert result.headline_zh == "提取申请已成功提交，业务流水号 TQ20261128000123"
    assert (result.receipt.outcome, result.receipt.can_reprint) == (Outcome.FAILED, True)
    assert "went away" in result.receipt.detail
    assert result.receipt_note_zh is not None
    assert "提取已成功" in result.receipt_note_zh
    assert len(sim.receipts) == 1


class BuggyReceiptDriver:
    """A receipt driver with a bug: it raises what nobody mapped to a PrinterError."""

    def __init__(self) -> None:
        self.calls = 0

    def print_receipt(self, receipt: Receipt) -> object:
        self.calls += 1
        raise AttributeError("'NoneType' object has no attribute 'write'")


def test_an_unexpected_exception_from_a_printer_is_a_failed_print_logged_with_its_trace(
    center: tuple[Identity, Identity], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    driver = BuggyReceiptDriver()
    prints = session(center, SpoolDocumentPrinter(tmp_path), driver)
    result = prints.print_withdrawal_receipt("TQ20261128000123", 1_200_000, RECEIPT)
    assert result.accepted
    assert (result.receipt.outcome, result.receipt.attempts) == (Outcome.FAILED, 1)
    assert result.receipt.message_zh == "打印机暂时无法使用，请联系工作人员"
    assert result.receipt.detail == "unexpected AttributeError: 'NoneType' object has no attribute 'write'"
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.exc_info is not None  # the trace is in the log for the technician
    again = prints.reprint(result.receipt.document_id)
    assert (again.outcome, again.attempts, driver.calls) == (Outcome.FAILED, 2, 2)
