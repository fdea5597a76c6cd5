"""What lp and ipptool print, and what printer-state-reasons mean: tables, no cupsd."""

import pytest

from drivers.printer.cups import protocol
from drivers.printer.cups.protocol import JobState, QueueInfo, QueueState
from drivers.printer.health import Cause, PaperState
from drivers.status import DeviceStatus


def test_request_id() -> None:
    assert protocol.parse_request_id("request id is kiosk-a4-12 (1 file(s))\n") == 12
    with pytest.raises(ValueError, match="no request id"):
        protocol.parse_request_id("lp: Error - no default destination\n")


def test_ipptool_csv_with_multi_valued_reasons_and_a_comma_in_the_message() -> None:
    output = (
        "printer-state,printer-state-reasons,printer-state-message,printer-is-accepting-jobs\n"
        'stopped,"media-empty-error,paused","out of paper, tray 1",true\n'
    )
    assert protocol.parse_queue(output) == QueueInfo(
        QueueState.STOPPED, ("media-empty-error", "paused"), "out of paper, tray 1", True
    )


def test_job_row() -> None:
    job = protocol.parse_job(7, "job-state,job-state-reasons,job-printer-state-message\ncompleted,none,\n")
    assert (job.job_id, job.state, job.reasons, job.message) == (7, JobState.COMPLETED, (), "")
    assert job.state.is_final
    assert not JobState.PENDING.is_final


def test_job_list_rows_as_ipptool_prints_them() -> None:
    output = (
        'job-id,job-name,job-state\n1,certificate #ab12cd34,processing\n2,"a, b #00ff00ff",pending-held\n'
    )
    assert protocol.parse_jobs(output) == [
        (1, "certificate #ab12cd34", JobState.PROCESSING),
        (2, "a, b #00ff00ff", JobState.HELD),
    ]
    assert protocol.parse_jobs("") == []
    assert protocol.parse_jobs("job-id,job-name,job-state\n") == []


def test_no_values_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        protocol.parse_csv("job-state,job-state-reasons\n")


@pytest.mark.parametrize(
    ("reason", "base"),
    [("media-empty-error", "media-empty"), ("toner-low-report", "toner-low"), ("offline", "offline")],
)
def test_severity_suffix(reason: str, base: str) -> None:
    assert protocol.base_keyword(reason) == base


Q = QueueState
D = DeviceStatus
P = PaperState


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        ((Q.IDLE, (), True), (D.ONLINE, P.FULL, True, None)),
        ((Q.PROCESSING, (), True), (D.DEVICE_BUSY, P.FULL, True, None)),
        ((Q.PROCESSING, ("media-low-warning", "toner-low-report"), True), (D.DEVICE_BUSY, P.LOW, True, None)),
        ((Q.PROCESSING, ("media-empty-error",), True), (D.DEVICE_BUSY, P.OUT, False, "打印纸已用完")),
        ((Q.STOPPED, ("media-empty-error", "paused"), True), (D.OFFLINE, P.OUT, False, "打印纸已用完")),
        ((Q.STOPPED, ("media-jam-error", "paused"), True), (D.HARDWARE_ERROR, P.JAMMED, False, "卡纸")),
        ((Q.PROCESSING, ("door-open-error",), True), (D.USER_ERROR, P.FULL, False, "打印机盖")),
        ((Q.STOPPED, ("offline-report", "paused"), True), (D.OFFLINE, P.FULL, False, "未连接")),
        ((Q.STOPPED, ("paused",), True), (D.OFFLINE, P.FULL, False, "暂停服务")),
        ((Q.IDLE, (), False), (D.OFFLINE, P.FULL, False, "暂停服务")),
        ((Q.PROCESSING, ("fuser-over-temp-error",), True), (D.HARDWARE_ERROR, P.FULL, False, "打印机故障")),
        ((Q.PROCESSING, ("connecting-to-device",), True), (D.DEVICE_BUSY, P.FULL, True, None)),
        # a reason left behind by the last job on an idle, enabled queue is history, not state
        ((Q.IDLE, ("media-empty-error",), True), (D.ONLINE, P.FULL, True, None)),
    ],
)
def test_health_table(
    queue: tuple[QueueState, tuple[str, ...], bool],
    expected: tuple[DeviceStatus, PaperState, bool, str | None],
) -> None:
    state, reasons, accepting = queue
    device, paper, can_print, message = expected
    health = protocol.health_of(QueueInfo(state, reasons, "", accepting))
    assert (health.device, health.paper, health.can_print) == (device, paper, can_print)
    if message is None:
        assert health.message_zh is None
    else:
        assert health.message_zh is not None
        assert message in health.message_zh
    assert health.reasons == reasons


def test_stale_reasons_are_kept_as_warnings() -> None:
    health = protocol.health_of(QueueInfo(Q.IDLE, ("media-empty-error", "toner-low-warning"), "", True))
    assert health.warnings == ("last-job:media-empty", "toner-low")


def test_the_most_urgent_cause_names_the_error() -> None:
    health = protocol.health_of(
        QueueInfo(Q.STOPPED, ("paused", "door-open-error", "media-jam-error"), "", True)
    )
    assert health.causes == (Cause.STOPPED, Cause.COVER_OPEN, Cause.JAM)  # as reported
    assert type(health.error()).__name__ == "PaperJam"  # but the jam is what the message is about


def test_missing_queue() -> None:
    health = protocol.missing_queue_health()
    assert (health.device, health.paper, health.can_print) == (D.NO_DEVICE, P.UNKNOWN, False)
