"""The document printer against a real private cupsd: jobs flow through cupsd to the kioskpdf backend."""

import subprocess
from pathlib import Path

import pytest

from drivers.printer import errors
from drivers.printer.cups import transport
from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.cups.protocol import JobState
from drivers.printer.health import PaperState
from drivers.printer.simulator.cupsd import PrivateCupsd
from drivers.status import DeviceStatus
from tests.drivers.printer.conftest import FakeTool
from tests.pdfs import text_pdf

LINES = ["Deposit certificate No. GJJ-2026-000123", "Verification code: 7F3K-Q9WD"]


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(text_pdf(LINES))
    return path


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_pdf_prints_through_cupsd_into_a_file(cupsd: PrivateCupsd, pdf: Path) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05, options={"media": "iso_a4_210x297mm"})
    assert printer.health().device is DeviceStatus.ONLINE
    job = printer.print_pdf(pdf, "certificate")
    (printed,) = cupsd.printed()
    assert printed.name == f"job-{job.job_id}.pdf"
    assert printed.read_bytes() == pdf.read_bytes()
    assert pdftotext(printed).split() == pdftotext(pdf).split()
    assert transport.job_info(cupsd.queue(), job.job_id).state is JobState.COMPLETED


def test_paper_out_stops_the_queue_cancels_the_job_and_says_so(cupsd: PrivateCupsd, pdf: Path) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    cupsd.set_fault("media-empty")
    with pytest.raises(errors.PaperOut) as failed:
        printer.print_pdf(pdf, "certificate")
    assert failed.value.message_zh == "打印纸已用完，请联系工作人员添加纸张"
    assert "media-empty-error" in failed.value.reasons
    health = printer.health()
    assert (health.paper, health.device, health.can_print) == (PaperState.OUT, DeviceStatus.OFFLINE, False)
    assert health.message_zh == failed.value.message_zh
    assert cupsd.printed() == []
    # nothing is left waiting to come out later, after the member has gone
    assert transport.job_info(cupsd.queue(), 1).state is JobState.CANCELED

    # the technician adds paper and resumes the queue; printing again works
    with pytest.raises(errors.PaperOut):
        printer.print_pdf(pdf, "certificate")  # still stopped: refused before submitting
    cupsd.set_fault(None)
    printer.resume()
    assert printer.health().can_print
    printer.print_pdf(pdf, "certificate")
    assert len(cupsd.printed()) == 1
    assert printer.health().paper is PaperState.FULL  # the backend cleared media-empty


def test_a_stopped_queue_is_refused_before_submitting(cupsd: PrivateCupsd, pdf: Path) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    transport.disable(cupsd.queue(), "maintenance")
    health = printer.health()
    assert (health.device, health.can_print) == (DeviceStatus.OFFLINE, False)
    assert health.message_zh == "打印机已暂停服务，请联系工作人员"
    with pytest.raises(errors.PrinterStopped):
        printer.print_pdf(pdf, "certificate")
    with pytest.raises(errors.JobNotFound):
        transport.job_info(cupsd.queue(), 1)


def test_a_job_submitted_to_a_queue_stopped_meanwhile_is_cancelled(cupsd: PrivateCupsd, pdf: Path) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    transport.disable(cupsd.queue())
    job_id = transport.submit(cupsd.queue(), pdf, "certificate")
    with pytest.raises(errors.PrinterStopped):
        printer.wait(job_id)
    assert transport.job_info(cupsd.queue(), job_id).state is JobState.CANCELED


@pytest.mark.parametrize(
    ("fault", "error", "expected"),
    [
        ("media-jam", errors.PaperJam, (DeviceStatus.HARDWARE_ERROR, PaperState.JAMMED)),
        ("door-open", errors.CoverOpen, (DeviceStatus.USER_ERROR, PaperState.FULL)),
        ("offline", errors.PrinterOffline, (DeviceStatus.OFFLINE, PaperState.FULL)),
    ],
)
def test_other_faults(
    cupsd: PrivateCupsd,
    pdf: Path,
    fault: str,
    error: type[errors.PrinterError],
    expected: tuple[DeviceStatus, PaperState],
) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    cupsd.set_fault(fault)
    with pytest.raises(error):
        printer.print_pdf(pdf, "certificate")
    health = printer.health()
    assert (health.device, health.paper) == expected


def test_warnings_still_print(cupsd: PrivateCupsd, pdf: Path) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    cupsd.set_fault("toner-low")
    printer.print_pdf(pdf, "certificate")
    health = printer.health()
    assert health.can_print
    assert health.warnings == ("toner-low",)


def test_a_job_that_does_not_finish_in_time_is_cancelled(cupsd: PrivateCupsd, pdf: Path) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05, job_timeout_s=0.5)
    cupsd.set_fault("hang")
    with pytest.raises(errors.PrinterTimeout):
        printer.print_pdf(pdf, "certificate")
    assert transport.job_info(cupsd.queue(), 1).state is JobState.CANCELED
    assert printer.cancel(1) is False  # already over


def test_a_job_cancelled_by_staff_reports_cancelled(cupsd: PrivateCupsd, pdf: Path) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    cupsd.set_fault("hang")
    job_id = transport.submit(cupsd.queue(), pdf, "certificate")
    assert transport.cancel(cupsd.queue(), job_id) is True
    with pytest.raises(errors.JobCancelled):
        printer.wait(job_id)


def test_abort_job_policy_gives_a_failed_job(tmp_path: Path, pdf: Path) -> None:
    with PrivateCupsd(tmp_path / "abort", error_policy="abort-job") as server:
        printer = CupsDocumentPrinter(server.queue(), poll_s=0.05)
        server.set_fault("media-empty")
        with pytest.raises((errors.JobFailed, errors.PaperOut)):
            printer.print_pdf(pdf, "certificate")
        assert transport.job_info(server.queue(), 1).state in {JobState.ABORTED, JobState.CANCELED}


def test_no_cupsd_and_no_queue_are_no_device(cupsd: PrivateCupsd, pdf: Path) -> None:
    missing = CupsDocumentPrinter(transport.CupsQueue("no-such-queue", cupsd.server))
    assert missing.health().device is DeviceStatus.NO_DEVICE
    with pytest.raises(errors.PrinterOffline):
        missing.print_pdf(pdf, "certificate")
    cupsd.stop()
    gone = CupsDocumentPrinter(cupsd.queue(timeout_s=2))
    assert gone.health().device is DeviceStatus.NO_DEVICE
    with pytest.raises(errors.PrinterUnavailable):
        transport.submit(cupsd.queue(timeout_s=2), pdf, "certificate")


def test_a_printer_waiting_for_paper_mid_job_is_cancelled_and_reported(
    cupsd: PrivateCupsd, pdf: Path
) -> None:
    printer = CupsDocumentPrinter(cupsd.queue(), poll_s=0.05)
    cupsd.set_fault("waiting-for-paper")
    with pytest.raises(errors.PaperOut):
        printer.print_pdf(pdf, "certificate")
    assert transport.job_info(cupsd.queue(), 1).state is JobState.CANCELED
    assert cupsd.printed() == []


# -- a tool that fails while a job is followed or submitted: the job must not be left behind --------------
GARBLED = 'case "$*" in *job-state.test*) echo "no, CSV, today"; exit 0;; esac; exec "$REAL" "$@"'
HANGS = 'case "$*" in *job-state.test*) exec sleep 60;; esac; exec "$REAL" "$@"'


@pytest.mark.parametrize(
    ("script", "error"),
    [(GARBLED, errors.CommandFailed), (HANGS, errors.PrinterTimeout)],
    ids=["garbled", "hangs"],
)
def test_a_job_that_cannot_be_followed_is_cancelled(
    cupsd: PrivateCupsd, pdf: Path, fake_tool: FakeTool, script: str, error: type[errors.PrinterError]
) -> None:
    queue = cupsd.queue(timeout_s=2)
    printer = CupsDocumentPrinter(queue, poll_s=0.05)
    cupsd.set_fault("hang")  # the job stays processing until it is cancelled
    switch = fake_tool("ipptool", script)
    with pytest.raises(error):
        printer.print_pdf(pdf, "certificate")
    switch.unlink()  # ipptool works again
    assert transport.job_info(queue, 1).state is JobState.CANCELED
    cupsd.set_fault(None)
    assert cupsd.printed() == []


def test_a_cancel_that_fails_too_does_not_hide_the_first_error(
    cupsd: PrivateCupsd, pdf: Path, fake_tool: FakeTool, caplog: pytest.LogCaptureFixture
) -> None:
    queue = cupsd.queue(timeout_s=2)
    printer = CupsDocumentPrinter(queue, poll_s=0.05)
    cupsd.set_fault("hang")
    ipptool = fake_tool("ipptool", GARBLED)
    cancel = fake_tool("cancel", 'echo "cancel: cupsd is busy" >&2; exit 1')
    with pytest.raises(errors.CommandFailed, match="unreadable attributes of job 1"):
        printer.print_pdf(pdf, "certificate")
    assert "could not cancel job 1" in caplog.text
    ipptool.unlink()
    cancel.unlink()
    assert printer.cancel(1) is True  # (the test's own clean-up)


LP_ANSWER_LOST = 'exec >/dev/null 2>&1; "$REAL" "$@"; exec sleep 60'  # queues the job, then never answers


def test_a_job_queued_by_an_lp_that_timed_out_is_found_and_cancelled(
    cupsd: PrivateCupsd, pdf: Path, fake_tool: FakeTool
) -> None:
    queue = cupsd.queue(timeout_s=4)  # time enough for the real lp to queue the job
    cupsd.set_fault("hang")
    lp = fake_tool("lp", LP_ANSWER_LOST)
    with pytest.raises(
        errors.PrinterTimeout, match=r"job 1 \('certificate #[0-9a-f]{8}'\), queued meanwhile, was"
    ):
        transport.submit(queue, pdf, "certificate")
    assert transport.job_info(queue, 1).state is JobState.CANCELED
    lp.unlink()
    cupsd.set_fault(None)
    job_id = transport.submit(queue, pdf, "certificate")  # the next job is not touched by that search
    CupsDocumentPrinter(queue, poll_s=0.05).wait(job_id)
    assert [p.name for p in cupsd.printed()] == [f"job-{job_id}.pdf"]


def test_an_lp_timeout_whose_job_cannot_be_searched_says_the_job_may_be_queued(
    cupsd: PrivateCupsd, pdf: Path, fake_tool: FakeTool, caplog: pytest.LogCaptureFixture
) -> None:
    queue = cupsd.queue(timeout_s=4)  # time enough for the real lp to queue the job
    cupsd.set_fault("hang")
    fake_tool("lp", LP_ANSWER_LOST)
    ipptool = fake_tool("ipptool", 'case "$*" in *jobs.test*) exit 1;; esac; exec "$REAL" "$@"')
    with pytest.raises(
        errors.PrinterTimeout, match="may have been queued and could not be cancelled"
    ) as failed:
        transport.submit(queue, pdf, "certificate")
    assert "check the queue" in str(failed.value)
    assert "could not be cancelled" in caplog.text
    ipptool.unlink()
    assert transport.cancel(queue, 1) is True  # it was indeed queued (the test's own clean-up)
