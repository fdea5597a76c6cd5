"""The technician's device tests as library functions (run them on a worker: they block).

Each returns a :class:`DeviceTestResult`: ``code`` names the outcome (the screens' catalogue has its text
under ``maintenance.test.<code>``), ``values`` fill that text, ``detail`` is for the audit log. No
result carries personal data beyond a masked name and ID number.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.device import Camera
from drivers.idcard import errors as card_errors
from drivers.idcard.device import IdCardReader
from drivers.printer.errors import PrinterError
from drivers.printer.escpos.protocol import Receipt
from kiosk.documents.printing import DocumentPrinter, ReceiptPrinter
from kiosk.identity.quality import QualityPolicy
from kiosk.masking import mask_id_number, mask_name

audit = logging.getLogger("kiosk.maintenance.audit")
CARD_POLL_S = 0.2


@dataclass(frozen=True, slots=True)
class DeviceTestResult:
    device: str  # card_reader, camera, document_printer, receipt_printer
    ok: bool
    code: str
    values: Mapping[str, str] = field(default_factory=dict)
    detail: str = ""


def _logged(result: DeviceTestResult) -> DeviceTestResult:
    audit.info(
        "maintenance test %s: %s",
        result.device,
        result.code,
        extra={"ctx": {"action": f"test_{result.device}", "ok": result.ok, "detail": result.detail}},
    )
    return result


# -- card reader --------------------------------------------------------------------------------
def check_card_reader(
    reader: IdCardReader, timeout_s: float = 15.0, sleep: Callable[[float], None] = time.sleep
) -> DeviceTestResult:
    """Open the reader, wait up to ``timeout_s`` for a card, read it, close the reader.

    The shell's card poller must be stopped first: a serial port has one owner.
    """

    def fail(code: str, exc: Exception) -> DeviceTestResult:
        return _logged(DeviceTestResult("card_reader", False, code, {}, f"{type(exc).__name__}: {exc}"))

    try:
        reader.open()
        deadline = time.monotonic() + timeout_s
        while not reader.find_card():
            if time.monotonic() >= deadline:
                return _logged(
                    DeviceTestResult("card_reader", False, "no_card", {"seconds": f"{timeout_s:g}"})
                )
            sleep(CARD_POLL_S)
        reader.select_card()
        record = reader.read_card()
    except card_errors.ReaderUnavailable as exc:
        return fail("reader_unavailable", exc)
    except (card_errors.ReaderTimeout, card_errors.FrameError) as exc:
        return fail("reader_silent", exc)
    except card_errors.SamFailure as exc:
        return fail("sam_failed", exc)
    except card_errors.IdCardError as exc:
        return fail("card_unreadable", exc)
    finally:
        reader.close()
    values = {
        "name": mask_name(record.name),
        "id_number": mask_id_number(record.id_number),
        "card_type": record.card_type.value,
    }
    return _logged(
        DeviceTestResult("card_reader", True, "card_read", values, f"card type {record.card_type}")
    )


# -- camera -------------------------------------------------------------------------------------
Image = np.ndarray  # BGR frame as OpenCV delivers it
FaceCounter = Callable[[Image], int]


def face_counter() -> FaceCounter:
    """Counts faces with the kiosk's detector (loads the dlib models once: call it on a worker)."""
    from kiosk.identity.engine import FaceEngine  # noqa: PLC0415 - dlib loads only when a test needs it

    engine = FaceEngine()
    return lambda image: len(engine.detect(image))


_POLICY = QualityPolicy()


def exposure(mean_grey: float, policy: QualityPolicy = _POLICY) -> str:
    """``dark``, ``bright`` or ``ok``, with the face quality gate's limits."""
    if mean_grey < policy.min_brightness:
        return "dark"
    if mean_grey > policy.max_brightness:
        return "bright"
    return "ok"


def check_camera(
    camera: Camera, count_faces: FaceCounter | None = None, timeout_s: float = 3.0
) -> DeviceTestResult:
    """Take the newest frame of a running camera: its size, brightness and (optionally) faces.

    The frame stays in memory and is dropped here; nothing is written.
    """
    frame = camera.wait_frame(0, timeout_s)
    status = camera.status()
    if frame is None:
        detail = f"{status.state}: {status.detail or 'no frame'}"
        return _logged(DeviceTestResult("camera", False, "no_frame", {"state": str(status.state)}, detail))
    height, width = frame.image.shape[:2]
    centre = frame.image[height // 4 : height - height // 4, width // 4 : width - width // 4]
    grey = float(cv2.cvtColor(centre, cv2.COLOR_BGR2GRAY).mean())  # where a member's face will be
    values = {
        "width": str(width),
        "height": str(height),
        "brightness": f"{grey:.0f}",
        "exposure": exposure(grey),
        "fps": f"{status.fps:.0f}",
    }
    code = "frame"
    if count_faces is not None:
        values["faces"] = str(count_faces(frame.image))
        code = "frame_faces"
    return _logged(DeviceTestResult("camera", True, code, values, f"{width}x{height}, grey {grey:.0f}"))


# -- printers -----------------------------------------------------------------------------------
def make_test_page(path: Path, device_id: str, now: dt.datetime) -> None:
    """A one-page A4 test sheet: device, time, a frame and a grey ramp to judge the print.

    Every line is drawn in the embedded CJK font, so the sheet prints the same on any printer."""
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415 - reportlab is only needed for this sheet

    from kiosk.pdf_canvas import cjk_canvas, cjk_font  # noqa: PLC0415

    width, height = A4
    pdf = cjk_canvas(path, A4)
    font = cjk_font()
    pdf.setTitle("Kiosk test page")
    pdf.rect(36, 36, width - 72, height - 72)
    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 120, "自助终端打印测试页")
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, height - 150, f"Test page - {device_id} - {now:%Y-%m-%d %H:%M:%S}")
    for step in range(10):
        pdf.setFillGray(step / 10)
        pdf.rect(72 + step * (width - 144) / 10, height / 2, (width - 144) / 10, 60, stroke=0, fill=1)
    pdf.showPage()
    pdf.save()


def _printer_failure(device: str, exc: Exception) -> DeviceTestResult:
    message = getattr(exc, "message_zh", "") or ""
    return _logged(
        DeviceTestResult(device, False, "print_failed", {"message": message}, f"{type(exc).__name__}: {exc}")
    )


def check_document_printer(printer: DocumentPrinter, device_id: str) -> DeviceTestResult:
    """Print the A4 test page (built in a private temporary folder, removed after)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-testpage-") as folder:
        pdf = Path(folder) / "test-page.pdf"
        make_test_page(pdf, device_id, dt.datetime.now())
        try:
            printer.print_pdf(pdf, "kiosk test page")
        except PrinterError as exc:
            return _printer_failure("document_printer", exc)
    return _logged(DeviceTestResult("document_printer", True, "printed"))


def make_test_receipt(device_id: str, now: dt.datetime) -> Receipt:
    return Receipt(
        title="打印测试",
        rows=(("终端", device_id), ("时间", f"{now:%Y-%m-%d %H:%M:%S}")),
        qr=f"kiosk-test:{device_id}",
        footer=("自助终端小票打印测试",),
    )


def check_receipt_printer(printer: ReceiptPrinter, device_id: str) -> DeviceTestResult:
    try:
        printer.print_receipt(make_test_receipt(device_id, dt.datetime.now()))
    except PrinterError as exc:
        return _printer_failure("receipt_printer", exc)
    return _logged(DeviceTestResult("receipt_printer", True, "printed"))
