"""A CUPS queue as a document printer: check, submit, follow the job to its end, cancel on failure.

A job that cannot finish now is cancelled, never left pending: a certificate must not come out of the
printer an hour later, after its owner has gone. Printing again is a new job (:meth:`print_pdf`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.printer import errors
from drivers.printer.cups import protocol, transport
from drivers.printer.cups.protocol import JobState
from drivers.printer.cups.transport import CupsQueue
from drivers.printer.health import Cause, PaperState, PrinterHealth
from drivers.status import DeviceStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintedJob:
    job_id: int
    printer: str
    elapsed_s: float


class CupsDocumentPrinter:
    def __init__(
        self,
        queue: CupsQueue,
        job_timeout_s: float = 60.0,
        poll_s: float = 0.5,
        options: dict[str, str] | None = None,
    ) -> None:
        self.queue = queue
        self.job_timeout_s = job_timeout_s
        self.poll_s = poll_s
        self.options = dict(options or {})  # lp -o, e.g. {"media": "iso_a4_210x297mm", "sides": "one-sided"}

    @property
    def name(self) -> str:
        return f"cups:{self.queue.name}"

    def health(self) -> PrinterHealth:
        """The queue's status now; never raises (an unreachable cupsd is ``noDevice``)."""
        try:
            return protocol.health_of(transport.queue_info(self.queue))
        except errors.PrinterUnavailable:
            return protocol.missing_queue_health()
        except errors.PrinterError as exc:
            log.warning("printer %s: status unreadable: %s", self.queue.name, exc)
            return PrinterHealth(DeviceStatus.OFFLINE, PaperState.UNKNOWN, (Cause.OFFLINE,))

    def print_pdf(self, pdf: Path, title: str) -> PrintedJob:
        """Print ``pdf`` and wait for the job to complete. ``title`` shows in the queue: no personal data.

        Raises a :class:`~drivers.printer.errors.PrinterNotReady` subclass before submitting when the
        printer cannot print, or after cancelling the job when it fails on the way.
        """
        self.health().raise_unless_ready()
        started = time.monotonic()
        job_id = transport.submit(self.queue, pdf, title, self.options)
        self.wait(job_id)
        return PrintedJob(job_id, self.name, time.monotonic() - started)

    def wait(self, job_id: int) -> None:
        """Follow ``job_id`` until it completes; cancel it and raise when it cannot.

        Any printer error on the way (cupsd not answering, ``ipptool`` timing out, output we cannot
        read) also cancels the job before it is raised: a job we can no longer follow must not print
        later, after the member has gone, or twice after a reprint.
        """
        try:
            self._follow(job_id)
        except (errors.JobFailed, errors.JobCancelled):
            raise  # the job is over already: nothing to cancel
        except errors.PrinterError:
            self._cancel_quietly(job_id)
            raise

    def _follow(self, job_id: int) -> None:
        deadline = time.monotonic() + self.job_timeout_s
        while True:
            job = transport.job_info(self.queue, job_id)
            if job.state is JobState.COMPLETED:
                return
            if job.state is JobState.ABORTED:
                raise errors.JobFailed(f"job {job_id} aborted: {job.message or ', '.join(job.reasons)}")
            if job.state is JobState.CANCELED:
                raise errors.JobCancelled(f"job {job_id} was cancelled")
            health = protocol.health_of(transport.queue_info(self.queue))
            if not health.can_print:
                raise health.error()
            if time.monotonic() > deadline:
                raise errors.PrinterTimeout(f"job {job_id} not done within {self.job_timeout_s:.0f} s")
            time.sleep(self.poll_s)

    def _cancel_quietly(self, job_id: int) -> None:
        """Best effort: the error that made us cancel is the one the caller must see."""
        try:
            self.cancel(job_id)
        except errors.PrinterError as exc:
            log.error("printer %s: could not cancel job %d: %s", self.queue.name, job_id, exc)

    def cancel(self, job_id: int) -> bool:
        """Cancel a job; False when it had already finished."""
        cancelled = transport.cancel(self.queue, job_id)
        if cancelled:
            log.info("printer %s: cancelled job %d", self.queue.name, job_id)
        return cancelled

    def resume(self) -> None:
        """After a technician fixed the printer: enable the queue and accept jobs again."""
        transport.enable(self.queue)
