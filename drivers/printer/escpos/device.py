"""The receipt printer as a device: check its real-time status, print, and check again.

A receipt is only "printed" when the printer still reports paper and no error after the bytes went
out; a printer that does not answer ``DLE EOT`` is offline.
"""

from __future__ import annotations

import logging
from typing import Any

from drivers.printer import errors
from drivers.printer.escpos import protocol
from drivers.printer.escpos.protocol import Receipt, StatusQuery
from drivers.printer.escpos.transport import EscPosLink
from drivers.printer.health import Cause, PaperState, PrinterHealth
from drivers.status import DeviceStatus

log = logging.getLogger(__name__)

_QUERIES = (StatusQuery.PRINTER, StatusQuery.OFFLINE_CAUSE, StatusQuery.ERROR_CAUSE, StatusQuery.PAPER)


class ReceiptPrinter:
    def __init__(self, url: str, baudrate: int = 9600, timeout_s: float = 0.5) -> None:
        self.link = EscPosLink(url, baudrate, timeout_s)

    @property
    def name(self) -> str:
        return f"escpos:{self.link.url}"

    def open(self) -> None:
        self.link.open()

    def close(self) -> None:
        self.link.close()

    def __enter__(self) -> ReceiptPrinter:
        self.open()
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def query(self) -> protocol.RealtimeStatus:
        """Ask ``DLE EOT 1..4``; raises PrinterOffline when the printer does not answer."""
        self.link.discard_input()
        answers: dict[StatusQuery, int] = {}
        for query in _QUERIES:
            self.link.write(protocol.status_request(query))
            value = self.link.read_byte()
            while value is not None and not protocol.is_status_byte(value):
                value = self.link.read_byte()  # skip noise (a stray XON/XOFF, a late byte)
            if value is None:
                raise errors.PrinterOffline(f"no answer to DLE EOT {int(query)} from {self.link.url}")
            answers[query] = value
        return protocol.parse_status(answers)

    def health(self) -> PrinterHealth:
        """The printer's status now; never raises (a printer gone mid-session is ``noDevice``)."""
        try:
            if not self.link.is_open:
                self.open()
            return protocol.health_of(self.query())
        except errors.PrinterOffline:
            return PrinterHealth(DeviceStatus.OFFLINE, PaperState.UNKNOWN, (Cause.OFFLINE,))
        except errors.PrinterUnavailable:
            return PrinterHealth(DeviceStatus.NO_DEVICE, PaperState.UNKNOWN, (Cause.MISSING,))
        except Exception:  # a status check must not take the caller down: report it, and say so
            log.exception("receipt printer %s: status check failed", self.link.url)
            self.link.close()
            return PrinterHealth(DeviceStatus.HARDWARE_ERROR, PaperState.UNKNOWN, (Cause.FAULT,))

    def print_receipt(self, receipt: Receipt) -> PrinterHealth:
        """Print ``receipt``; returns the health after printing (it may warn of low paper)."""
        if not self.link.is_open:
            self.open()
        protocol.health_of(self.query()).raise_unless_ready()
        self.link.write(protocol.encode_receipt(receipt))
        after = protocol.health_of(self.query())
        after.raise_unless_ready()  # the paper ran out on the way: the receipt is incomplete
        if after.paper is PaperState.LOW:
            log.warning("receipt printer %s: paper near its end", self.link.url)
        return after
