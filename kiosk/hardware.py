"""The member-facing devices the shell owns besides the card reader: the camera and the two printers,
opened from the config (or a simulator the demo hands in), and their statuses for the status board.

No Kivy here: the app wiring opens them at start, reads :meth:`Hardware.statuses` on a worker (asking
a printer for its state runs ``ipptool`` or a serial query) and closes them at the end.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from drivers.camera import Camera, FrameSource, OpenCVSource, SourceUnavailable
from drivers.camera.transport import Image
from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.cups.transport import CupsQueue
from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.escpos.protocol import Receipt
from drivers.printer.health import PrinterHealth
from kiosk.config import KioskConfig
from kiosk.health.shell_status import DeviceReport

log = logging.getLogger(__name__)


class SharedReceiptPrinter:
    """One serial link, two users (a session printing, the status board asking): one at a time."""

    def __init__(self, printer: ReceiptPrinter) -> None:
        self.printer = printer
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.printer.name

    def health(self) -> PrinterHealth:
        with self._lock:
            return self.printer.health()

    def print_receipt(self, receipt: Receipt) -> PrinterHealth:
        with self._lock:
            return self.printer.print_receipt(receipt)

    def close(self) -> None:
        with self._lock:
            self.printer.close()


@dataclass
class Hardware:
    camera: Camera
    documents: CupsDocumentPrinter
    receipts: SharedReceiptPrinter

    def statuses(self) -> dict[str, DeviceReport]:
        """Each device's status now (blocking: call it on a worker)."""
        camera = self.camera.status()
        out = {"camera": DeviceReport(camera.state.value, camera.detail or None)}
        printers: tuple[tuple[str, CupsDocumentPrinter | SharedReceiptPrinter], ...] = (
            ("document_printer", self.documents),
            ("receipt_printer", self.receipts),
        )
        for name, printer in printers:
            try:
                health = printer.health()
            except Exception as exc:  # noqa: BLE001 - a status read must not take the board down
                log.warning("%s: status unreadable: %s", name, exc)
                out[name] = DeviceReport("offline", f"status unreadable: {type(exc).__name__}")
                continue
            problem = None if health.can_print else (", ".join(health.reasons) or health.device.value)
            out[name] = DeviceReport(health.device.value, problem, health.paper.value)
        return out

    def close(self) -> None:
        self.camera.close()
        self.receipts.close()


class NoCamera:
    """The camera of a kiosk configured without one (``camera.source = ""``): never there."""

    is_open = False

    def open(self) -> None:
        raise SourceUnavailable("no camera configured")

    def read(self) -> Image | None:
        raise SourceUnavailable("no camera configured")

    def close(self) -> None:
        pass


def open_hardware(cfg: KioskConfig, camera_source: FrameSource | None = None) -> Hardware:
    """Open what the config names; ``camera_source`` (the demo's simulator) replaces the configured one.

    A device that is missing or not configured is opened all the same: it reports ``noDevice`` (the
    session says so calmly) and the camera keeps looking for its device."""
    c, p = cfg.camera, cfg.printers
    if camera_source is None:
        camera_source = OpenCVSource(c.source, c.width, c.height, c.fps) if c.source else NoCamera()
    camera = Camera(camera_source)
    camera.open()
    documents = CupsDocumentPrinter(CupsQueue(p.cups_queue or "none", p.cups_server))
    receipts = SharedReceiptPrinter(ReceiptPrinter(p.receipt_port or "none://", p.receipt_baudrate))
    return Hardware(camera, documents, receipts)
