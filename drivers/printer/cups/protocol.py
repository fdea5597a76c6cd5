"""Pure CUPS/IPP vocabulary: what ``lp`` and ``ipptool -c`` print, and what printer-state-reasons mean.

Reason keywords come from RFC 8011 §5.4.12 and PWG 5100.9 with an optional severity suffix
(``-report``, ``-warning``, ``-error``): ``media-empty-error`` and ``media-empty`` are the same fact.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import StrEnum

from drivers.printer.health import Cause, PaperState, PrinterHealth
from drivers.status import DeviceStatus

_SUFFIXES = ("-report", "-warning", "-error")
_REQUEST_ID = re.compile(r"request id is (?P<queue>\S+)-(?P<job>\d+) ")


class JobState(StrEnum):
    """IPP job-state keywords (RFC 8011 §5.3.7)."""

    PENDING = "pending"
    HELD = "pending-held"
    PROCESSING = "processing"
    STOPPED = "processing-stopped"
    CANCELED = "canceled"
    ABORTED = "aborted"
    COMPLETED = "completed"

    @property
    def is_final(self) -> bool:
        return self in {JobState.CANCELED, JobState.ABORTED, JobState.COMPLETED}


class QueueState(StrEnum):
    """IPP printer-state keywords."""

    IDLE = "idle"
    PROCESSING = "processing"
    STOPPED = "stopped"


@dataclass(frozen=True)
class JobInfo:
    job_id: int
    state: JobState
    reasons: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class QueueInfo:
    state: QueueState
    reasons: tuple[str, ...]
    message: str
    accepting: bool


def parse_request_id(lp_output: str) -> int:
    """``request id is kiosk-a4-12 (1 file(s))`` -> 12."""
    match = _REQUEST_ID.search(lp_output + " ")
    if match is None:
        raise ValueError(f"no request id in lp output {lp_output.strip()!r}")
    return int(match["job"])


def parse_csv(output: str) -> dict[str, str]:
    """``ipptool -c`` output (a header row, one value row) as a dict; multi-values stay comma-joined."""
    rows = list(csv.reader(io.StringIO(output)))
    rows = [row for row in rows if row]
    if len(rows) < 2:
        raise ValueError(f"ipptool printed no values: {output.strip()!r}")
    return dict(zip(rows[0], rows[1], strict=False))


def _keywords(value: str) -> tuple[str, ...]:
    return tuple(k for k in (part.strip() for part in value.split(",")) if k and k != "none")


def parse_jobs(output: str) -> list[tuple[int, str, JobState]]:
    """``ipptool -c`` output of Get-Jobs (a header row, one row per job) as (job id, name, state)."""
    rows = [row for row in csv.reader(io.StringIO(output)) if row]
    if not rows:
        return []  # no job: ipptool may print nothing at all
    header = rows[0]
    jobs = []
    for row in rows[1:]:
        values = dict(zip(header, row, strict=False))
        jobs.append((int(values["job-id"]), values.get("job-name", ""), JobState(values["job-state"])))
    return jobs


def parse_queue(output: str) -> QueueInfo:
    values = parse_csv(output)
    return QueueInfo(
        state=QueueState(values["printer-state"]),
        reasons=_keywords(values.get("printer-state-reasons", "")),
        message=values.get("printer-state-message", ""),
        accepting=values.get("printer-is-accepting-jobs", "true") == "true",
    )


def parse_job(job_id: int, output: str) -> JobInfo:
    values = parse_csv(output)
    return JobInfo(
        job_id=job_id,
        state=JobState(values["job-state"]),
        reasons=_keywords(values.get("job-state-reasons", "")),
        message=values.get("job-printer-state-message", ""),
    )


def base_keyword(reason: str) -> str:
    """``media-empty-error`` -> ``media-empty``; vendor keywords pass through unchanged."""
    for suffix in _SUFFIXES:
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


_CAUSES = {
    "media-jam": Cause.JAM,
    "media-empty": Cause.PAPER_OUT,
    "media-needed": Cause.PAPER_OUT,
    "input-tray-missing": Cause.PAPER_OUT,
    "door-open": Cause.COVER_OPEN,
    "cover-open": Cause.COVER_OPEN,
    "offline": Cause.OFFLINE,
    "shutdown": Cause.OFFLINE,
    "timed-out": Cause.OFFLINE,
    "paused": Cause.STOPPED,
    "moving-to-paused": Cause.STOPPED,
}
_WARNINGS = {"media-low", "toner-low", "marker-supply-low", "toner-empty", "marker-supply-empty"}
_IGNORED = {"connecting-to-device", "cups-waiting-for-job-completed", "cups-remote-pending"}


def health_of(queue: QueueInfo) -> PrinterHealth:
    """Map a queue's state and reasons to a :class:`PrinterHealth` (table-tested).

    CUPS learns a printer's condition only while a backend runs a job, and leaves the last reasons in
    place afterwards. On an idle, enabled queue (a technician re-enabled it after a fault) an error
    reason is history, not state: it is kept as a ``last-job:`` warning and does not block printing.
    While a job runs (processing) or after one stopped the queue (stopped), every reason is live.
    """
    causes, warnings = _classify(queue.reasons, stale=queue.state is QueueState.IDLE and queue.accepting)
    if queue.state is QueueState.STOPPED or not queue.accepting:
        causes.append(Cause.STOPPED)
    unique = tuple(dict.fromkeys(causes))
    return PrinterHealth(
        _device(unique, queue.state),
        _paper(unique, warnings),
        unique,
        tuple(dict.fromkeys(warnings)),
        queue.reasons,
    )


def _classify(reasons: tuple[str, ...], stale: bool) -> tuple[list[Cause], list[str]]:
    causes: list[Cause] = []
    warnings: list[str] = []
    for reason in reasons:
        base = base_keyword(reason)
        if base in _IGNORED:
            continue
        if stale and (base in _CAUSES or reason.endswith("-error")):
            warnings.append(f"last-job:{base}")
        elif base in _CAUSES:
            causes.append(_CAUSES[base])
        elif base in _WARNINGS:
            warnings.append(base)
        elif reason.endswith("-error"):
            causes.append(Cause.FAULT)
    return causes, warnings


def _paper(causes: tuple[Cause, ...], warnings: list[str]) -> PaperState:
    if Cause.JAM in causes:
        return PaperState.JAMMED
    if Cause.PAPER_OUT in causes:
        return PaperState.OUT
    if "media-low" in warnings:
        return PaperState.LOW
    return PaperState.FULL  # CUPS only reports paper problems: none reported means none known


def _device(causes: tuple[Cause, ...], state: QueueState) -> DeviceStatus:
    if Cause.JAM in causes or Cause.FAULT in causes:
        return DeviceStatus.HARDWARE_ERROR
    if Cause.COVER_OPEN in causes:
        return DeviceStatus.USER_ERROR
    if Cause.OFFLINE in causes or Cause.STOPPED in causes:
        return DeviceStatus.OFFLINE
    if state is QueueState.PROCESSING:
        return DeviceStatus.DEVICE_BUSY
    return DeviceStatus.ONLINE


def missing_queue_health() -> PrinterHealth:
    return PrinterHealth(DeviceStatus.NO_DEVICE, PaperState.UNKNOWN, (Cause.MISSING,))
