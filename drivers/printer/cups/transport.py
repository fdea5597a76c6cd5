"""The CUPS command-line tools, each call with a time limit and a typed error; nothing blocks forever.

We drive CUPS through ``lp``, ``cancel``, ``cupsenable``/``cupsdisable`` and ``ipptool`` rather than
pycups: the tools ship with Debian's cups-client and cups-ipp-utils, need no C build (pycups has no
wheels), and every call runs in its own process that a timeout can always end.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from drivers.printer import errors
from drivers.printer.cups import protocol
from drivers.printer.cups.protocol import JobInfo, JobState, QueueInfo

log = logging.getLogger(__name__)

_IPP_TESTS = Path(__file__).resolve().parent / "ipp"


@dataclass(frozen=True)
class CupsQueue:
    """Where a queue lives: ``server`` is ``host:port`` (``localhost:631`` for the system's cupsd)."""

    name: str
    server: str = "localhost:631"
    timeout_s: float = 5.0

    @property
    def uri(self) -> str:
        return f"ipp://{self.server}/printers/{self.name}"


def _run(queue: CupsQueue, argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CUPS_SERVER": queue.server, "LANG": "C", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            argv, capture_output=True, text=True, timeout=queue.timeout_s, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise errors.PrinterTimeout(f"{argv[0]} gave no answer within {queue.timeout_s:.1f} s") from exc
    except OSError as exc:  # the tool is not installed
        raise errors.PrinterUnavailable(f"cannot run {argv[0]}: {exc}") from exc
    if result.returncode != 0:
        raise _error(argv[0], queue, (result.stderr + result.stdout).strip(), result.returncode)
    return result


def _error(tool: str, queue: CupsQueue, text: str, code: int) -> errors.PrinterError:
    if "Job #" in text and "does not exist" in text:
        return errors.JobNotFound(f"{tool}: {text}")
    if "already" in text and "can't cancel" in text:
        return errors.JobAlreadyFinished(f"{tool}: {text}")
    if "printer or class does not exist" in text or "Unable to connect" in text:
        return errors.PrinterUnavailable(f"{tool}: queue {queue.name} at {queue.server}: {text}")
    return errors.CommandFailed(f"{tool} failed ({code}): {text}")


def submit(queue: CupsQueue, pdf: Path, title: str, options: dict[str, str] | None = None) -> int:
    """Queue ``pdf`` and return the job id.

    The job is named ``title #TOKEN`` with a random token, so that a job whose ``lp`` timed out can
    still be found. ``lp`` may time out after cupsd has queued the job (cupsd slow to answer, the
    answer lost): its id then never reaches us, and a job nobody follows would print later, after the
    member has gone, or twice after a reprint. So on an ``lp`` timeout the queue's unfinished jobs are
    listed (Get-Jobs) and the one with this name is cancelled; the :class:`~errors.PrinterTimeout`
    raised says whether a job was cancelled, none was found, or the search failed, in which case the
    job may still be queued and staff must check the queue (the error says so, and it is logged).
    A job cupsd creates only after the search cannot be seen by it: that window is not closed.
    """
    job_name = f"{title} #{secrets.token_hex(4)}"
    argv = ["lp", "-d", queue.name, "-t", job_name]
    for key, value in (options or {}).items():
        argv += ["-o", f"{key}={value}"]
    try:
        result = _run(queue, [*argv, "--", str(pdf)])
    except errors.PrinterTimeout as exc:
        raise errors.PrinterTimeout(f"{exc}; {_cancel_named(queue, job_name)}") from exc
    try:
        return protocol.parse_request_id(result.stdout)
    except ValueError as exc:
        raise errors.CommandFailed(str(exc)) from exc


def _cancel_named(queue: CupsQueue, job_name: str) -> str:
    """Cancel the unfinished jobs named ``job_name``; what became of them, for the error's text."""
    try:
        found = [job_id for job_id, name, _ in unfinished_jobs(queue) if name == job_name]
        cancelled = [job_id for job_id in found if cancel(queue, job_id)]
    except errors.PrinterError as exc:
        log.error("queue %s: job %r may be queued and could not be cancelled: %s", queue.name, job_name, exc)
        return f"job {job_name!r} may have been queued and could not be cancelled ({exc}): check the queue"
    if not cancelled:
        return f"no unfinished job {job_name!r} in the queue (none was queued, or it has finished)"
    log.warning("queue %s: cancelled job %s queued by an lp that timed out", queue.name, cancelled)
    return f"job {', '.join(map(str, cancelled))} ({job_name!r}), queued meanwhile, was cancelled"


def _ipptool(queue: CupsQueue, test: str, *variables: str) -> str:
    argv = ["ipptool", "-T", f"{queue.timeout_s:g}", "-c"]
    for variable in variables:
        argv += ["-d", variable]
    return _run(queue, [*argv, queue.uri, str(_IPP_TESTS / test)]).stdout


def queue_info(queue: CupsQueue) -> QueueInfo:
    try:
        return protocol.parse_queue(_ipptool(queue, "printer-state.test"))
    except (ValueError, KeyError) as exc:
        raise errors.CommandFailed(f"unreadable printer attributes for {queue.name}: {exc}") from exc


def unfinished_jobs(queue: CupsQueue) -> list[tuple[int, str, JobState]]:
    """The queue's jobs that are not completed (ours: their names are visible), as (id, name, state)."""
    try:
        return protocol.parse_jobs(_ipptool(queue, "jobs.test"))
    except (ValueError, KeyError) as exc:
        raise errors.CommandFailed(f"unreadable job list of {queue.name}: {exc}") from exc


def job_info(queue: CupsQueue, job_id: int) -> JobInfo:
    try:
        return protocol.parse_job(job_id, _ipptool(queue, "job-state.test", f"job_id={job_id}"))
    except (ValueError, KeyError) as exc:
        raise errors.CommandFailed(f"unreadable attributes of job {job_id}: {exc}") from exc


def cancel(queue: CupsQueue, job_id: int) -> bool:
    """Cancel a job; False when it had already finished (completed, aborted or cancelled)."""
    try:
        _run(queue, ["cancel", f"{queue.name}-{job_id}"])
    except errors.JobAlreadyFinished:
        return False
    return True


def enable(queue: CupsQueue) -> None:
    """Resume a stopped queue (``cupsenable``) and let it accept jobs again."""
    _run(queue, ["cupsenable", queue.name])
    _run(queue, ["cupsaccept", queue.name])


def disable(queue: CupsQueue, reason: str = "") -> None:
    """Stop the queue (``cupsdisable``): jobs wait until it is enabled again."""
    _run(queue, ["cupsdisable", *(["-r", reason] if reason else []), queue.name])
