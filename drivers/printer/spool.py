"""A document printer that writes each PDF into a directory: for machines without CUPS (a developer's
laptop, a demo) and as a hand-off folder to another system. Same interface as the CUPS printer."""

from __future__ import annotations

import itertools
import os
import re
import time
from pathlib import Path

from drivers.printer import errors
from drivers.printer.cups.device import PrintedJob
from drivers.printer.health import Cause, PaperState, PrinterHealth
from drivers.status import DeviceStatus

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class SpoolDocumentPrinter:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._ids = itertools.count(1)

    @property
    def name(self) -> str:
        return f"spool:{self.directory}"

    def health(self) -> PrinterHealth:
        if self.directory.is_dir() and os.access(self.directory, os.W_OK):
            return PrinterHealth(DeviceStatus.ONLINE, PaperState.FULL)
        return PrinterHealth(DeviceStatus.NO_DEVICE, PaperState.UNKNOWN, (Cause.MISSING,))

    def print_pdf(self, pdf: Path, title: str) -> PrintedJob:
        """Copy ``pdf`` into the directory as ``<time>-<n>-<title>.pdf`` (written whole, then renamed)."""
        started = time.monotonic()
        self.health().raise_unless_ready()
        job_id = next(self._ids)
        target = (
            self.directory / f"{time.strftime('%Y%m%dT%H%M%S')}-{job_id:04d}-{_UNSAFE.sub('_', title)}.pdf"
        )
        part = target.with_suffix(".part")
        try:
            part.write_bytes(pdf.read_bytes())
            part.replace(target)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise errors.PrinterUnavailable(f"cannot spool into {self.directory}: {exc}") from exc
        return PrintedJob(job_id, self.name, time.monotonic() - started)
