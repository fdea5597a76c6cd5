"""What a printer reports about itself: an XFS4IoT-style device status, the paper, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from drivers.printer import errors
from drivers.status import USABLE_STATES, DeviceStatus


class PaperState(StrEnum):
    UNKNOWN = "unknown"
    FULL = "full"
    LOW = "low"
    OUT = "out"
    JAMMED = "jammed"


class Cause(StrEnum):
    """Why a printer cannot print, most urgent first (the order decides the message)."""

    JAM = "jam"
    PAPER_OUT = "paperOut"
    COVER_OPEN = "coverOpen"
    OFFLINE = "offline"
    STOPPED = "stopped"
    FAULT = "fault"
    MISSING = "missing"


_ERRORS: dict[Cause, type[errors.PrinterNotReady]] = {
    Cause.JAM: errors.PaperJam,
    Cause.PAPER_OUT: errors.PaperOut,
    Cause.COVER_OPEN: errors.CoverOpen,
    Cause.OFFLINE: errors.PrinterOffline,
    Cause.STOPPED: errors.PrinterStopped,
    Cause.FAULT: errors.PrinterFault,
    Cause.MISSING: errors.PrinterOffline,
}


@dataclass(frozen=True)
class PrinterHealth:
    device: DeviceStatus
    paper: PaperState
    causes: tuple[Cause, ...] = ()
    warnings: tuple[str, ...] = ()  # printable but worth a technician's visit: media-low, toner-low
    reasons: tuple[str, ...] = ()  # the raw keywords, for logs and the console

    @property
    def can_print(self) -> bool:
        return not self.causes and self.device in USABLE_STATES

    @property
    def message_zh(self) -> str | None:
        """The member-facing sentence for the most urgent cause, or None when printing can go ahead."""
        if self.can_print:
            return None
        return self.error().message_zh

    def error(self) -> errors.PrinterNotReady:
        """The typed error for the most urgent cause (PrinterFault when the device is simply unusable)."""
        cause = min(self.causes, key=list(Cause).index) if self.causes else Cause.FAULT
        return _ERRORS[cause](f"printer not ready: {', '.join(self.reasons) or self.device}", self.reasons)

    def raise_unless_ready(self) -> None:
        if not self.can_print:
            raise self.error()
