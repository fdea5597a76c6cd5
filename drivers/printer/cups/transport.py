"""The CUPS command-line tools, each call with a time limit and a typed error; nothing blocks forever.

We drive CUPS through ``lp``, ``cancel``, ``cupsenable``/``cupsdisable`` and ``ipptool`` rather than
pycups: the tools ship with Debian's cups-client and cups-ipp-utils, need no C build (pycups has no
wheels), and every call runs in its own process that a timeout can always end.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from drivers.printer import errors
from drivers.printer.cups import protocol
from drivers.printer.cups.protocol import JobInfo, QueueInfo

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
    """Queue ``pdf`` and return the job id."""
    argv = ["lp", "-d", queue.name, "-t", title]
    for key, value in (options or {}).items():
        argv += ["-o", f"{key}={value}"]
    result = _run(queue, [*argv, "--", str(pdf)])
    try:
        return protocol.parse_request_id(result.stdout)
    except ValueError as exc:
        raise errors.CommandFailed(str(exc)) from exc


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
