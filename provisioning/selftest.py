"""``kiosk-provision selftest``: every configured device once, as a member's session would use it.

Each check returns pass or fail with the reason and the fix to try, in Chinese and English; a device
the config leaves out ("" port or queue) is skipped, not failed. The checks run the drivers and the
kiosk's own client, so a pass here is a pass for the shell.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from drivers.camera.sources import frame_source
from drivers.camera.transport import SourceUnavailable
from drivers.idcard import errors as idcard_errors
from drivers.idcard.device import IdCardReader
from drivers.printer import errors as printer_errors
from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.cups.transport import CupsQueue
from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.escpos.protocol import Receipt
from kiosk.backend_probe import probe_back_end
from kiosk.client.factory import client_from_config
from kiosk.config import ConfigError, KioskConfig
from kiosk.health.checks import Level
from kiosk.health.link_checks import ClockOffset
from kiosk.identity.quality import QualityPolicy
from kiosk.masking import mask_id_number, mask_name
from provisioning.pdf import cjk_font
from provisioning.read_card import wait_and_read


@dataclass(frozen=True)
class Fix:
    zh: str
    en: str


@dataclass(frozen=True)
class Result:
    check: str
    device: str
    passed: bool
    reason: str = ""
    fix: Fix | None = None
    detail: dict[str, object] = field(default_factory=dict)
    skipped: bool = False

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class SelftestOptions:
    card_timeout_s: float = 15.0
    frames: int = 10
    detect_face: bool = True
    clock_tolerance_s: float = 30.0


# What a reader failure means and what to try, most specific first (subclasses before their roots).
_READER_FIXES: tuple[tuple[type[idcard_errors.IdCardError], Fix], ...] = (
    (
        idcard_errors.ReaderUnavailable,
        Fix(
            "检查读卡器的 USB 线和电源，再运行 discover",
            "check the reader's USB cable and power, then run discover",
        ),
    ),
    (idcard_errors.NoCard, Fix("把测试身份证平放在读卡区", "lay a test ID card flat on the reader")),
    (
        idcard_errors.SamFailure,
        Fix(
            "读卡器安全模块故障，请联系厂商更换",
            "the reader's SAM failed: have the vendor replace the reader",
        ),
    ),
    (idcard_errors.ReaderTimeout, Fix("检查波特率设置与串口线", "check the baud rate and the serial cable")),
    (idcard_errors.FrameError, Fix("检查波特率设置与串口线", "check the baud rate and the serial cable")),
    (idcard_errors.IdCardError, Fix("换一张测试卡再试", "try another test card")),
)


def card_reader(cfg: KioskConfig, options: SelftestOptions) -> Result:
    port = cfg.card_reader.port
    reader = IdCardReader(port, baudrate=cfg.card_reader.baudrate)
    try:
        reader.open()
        sam = reader.sam_id()
        record = wait_and_read(reader, options.card_timeout_s)
    except idcard_errors.IdCardError as exc:
        fix = next(fix for kind, fix in _READER_FIXES if isinstance(exc, kind))
        reason = (
            f"no card within {options.card_timeout_s:g} s" if isinstance(exc, idcard_errors.NoCard) else ""
        )
        return Result("card_reader", port, False, reason or f"{type(exc).__name__}: {exc}", fix)
    finally:
        reader.close()
    if not record.id_number_valid:
        fix = _READER_FIXES[-1][1]
        return Result("card_reader", port, False, "the card's ID number fails its check digit", fix)
    detail: dict[str, object] = {
        "sam_id": sam,
        "card": record.card_type.value,
        "name": mask_name(record.name),
        "id_number": mask_id_number(record.id_number),
    }
    return Result("card_reader", port, True, "read a test card", detail=detail)


def camera(cfg: KioskConfig, options: SelftestOptions) -> Result:
    spec = cfg.camera.source
    fix_cable = Fix("检查摄像头 USB 线，再运行 discover", "check the camera's USB cable, then run discover")
    try:
        source = frame_source(spec, cfg.camera.width, cfg.camera.height, cfg.camera.fps)
        source.open()
    except (SourceUnavailable, ValueError) as exc:
        return Result("camera", spec, False, str(exc), fix_cable)
    try:
        started = time.monotonic()
        frames = [f for f in (source.read() for _ in range(options.frames)) if f is not None]
        elapsed = time.monotonic() - started
    except SourceUnavailable as exc:
        return Result("camera", spec, False, str(exc), fix_cable)
    finally:
        source.close()
    if not frames:
        return Result("camera", spec, False, "no frame delivered", fix_cable)
    frame = frames[-1]
    detail: dict[str, object] = {
        "width": int(frame.shape[1]),
        "height": int(frame.shape[0]),
        "fps": round(len(frames) / elapsed, 1) if elapsed else 0.0,
        "mean_grey": round(float(np.mean(frame)), 1),
    }
    face_grey = None
    if options.detect_face:
        detail["faces"], face_grey = _faces(frame)
        if face_grey is not None:
            detail["face_grey"] = round(face_grey, 1)
    problem = _exposure_problem(frame, face_grey)
    if problem is not None:
        return Result("camera", spec, False, problem[0], problem[1], detail)
    faces = detail.get("faces")
    reason = f"{detail['width']}×{detail['height']}, exposure ok" + (f", {faces} face(s)" if faces else "")
    return Result("camera", spec, True, reason, detail=detail)


# Without a face, the whole frame (a dim hall is fine, black or white is not); with one, the member
# gates' own brightness range on the face.
FRAME_GREY = (25.0, 230.0)


def _exposure_problem(frame: np.ndarray, face_grey: float | None) -> tuple[str, Fix] | None:
    policy = QualityPolicy()
    low, high = (policy.min_brightness, policy.max_brightness) if face_grey is not None else FRAME_GREY
    grey = face_grey if face_grey is not None else float(np.mean(frame))
    where = "face" if face_grey is not None else "frame"
    if grey < low:
        return f"too dark ({where} mean grey {grey:.0f} < {low:.0f})", Fix(
            "打开补光灯或调整摄像头曝光", "turn on the fill light or raise the exposure"
        )
    if grey > high:
        return f"overexposed ({where} mean grey {grey:.0f} > {high:.0f})", Fix(
            "避开直射光或降低曝光", "keep direct light off the lens or lower the exposure"
        )
    if float(np.std(frame)) < 2.0:
        return "a flat picture (lens covered?)", Fix(
            "取下镜头盖，擦拭镜头", "remove the lens cap and clean the lens"
        )
    return None


def _faces(frame: np.ndarray) -> tuple[int, float | None]:
    """Faces in the frame (the technician standing in front; none is no failure) and the largest
    one's mean grey."""
    from kiosk.identity.engine import FaceEngine  # noqa: PLC0415 - loads dlib's models only here
    from kiosk.identity.quality import measure  # noqa: PLC0415

    engine = FaceEngine()
    try:
        faces = engine.detect(frame)
        return len(faces), (measure(frame, faces[0]).brightness if faces else None)
    finally:
        engine.close()


def test_page(cfg: KioskConfig, path: Path, now: dt.datetime) -> Path:
    font = cjk_font()
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setTitle("自助一体机打印测试页")
    page.setFont(font, 22)
    page.drawString(72, 760, "住房公积金自助一体机 · 打印测试页")
    page.setFont(font, 12)
    lines = [
        f"设备 Device: {cfg.kiosk.device_id}",
        f"网点 Hall: {cfg.kiosk.hall_name or '—'}",
        f"时间 Time: {now:%Y-%m-%d %H:%M:%S %Z}",
    ]
    for i, line in enumerate(lines):
        page.drawString(72, 720 - 20 * i, line)
    for i in range(6):  # grey steps: toner and banding show at a glance
        page.setFillGray(i / 5)
        page.rect(72 + i * 70, 560, 60, 60, stroke=1, fill=1)
    page.showPage()
    page.save()
    return path


def document_printer(cfg: KioskConfig, options: SelftestOptions) -> Result:
    queue = CupsQueue(cfg.printers.cups_queue, cfg.printers.cups_server)
    printer = CupsDocumentPrinter(queue, job_timeout_s=60)
    with tempfile.TemporaryDirectory(prefix="kiosk-testpage-") as folder:
        pdf = test_page(cfg, Path(folder) / "test-page.pdf", dt.datetime.now(dt.UTC))
        try:
            job = printer.print_pdf(pdf, "自助一体机打印测试页")
        except printer_errors.PrinterError as exc:
            return Result(
                "document_printer",
                queue.uri,
                False,
                f"{type(exc).__name__}: {exc}",
                Fix(
                    f"{exc.message_zh}；排除后执行 cupsenable {queue.name}",
                    f"fix the printer, then: cupsenable {queue.name}",
                ),
            )
    return Result(
        "document_printer",
        queue.uri,
        True,
        f"test page printed (job {job.job_id}, {job.elapsed_s:.1f} s)",
        detail={"job": job.job_id},
    )


def receipt_printer(cfg: KioskConfig, options: SelftestOptions) -> Result:
    port = cfg.printers.receipt_port
    receipt = Receipt(
        title="凭条打印测试",
        rows=(("设备", cfg.kiosk.device_id), ("时间", f"{dt.datetime.now():%Y-%m-%d %H:%M}")),
        footer=("test receipt · 打印测试",),
    )
    printer = ReceiptPrinter(port, baudrate=cfg.printers.receipt_baudrate)
    try:
        health = printer.print_receipt(receipt)
    except printer_errors.PrinterError as exc:
        return Result(
            "receipt_printer",
            port,
            False,
            f"{type(exc).__name__}: {exc}",
            Fix(exc.message_zh, "check the paper roll, the cover and the cutter"),
        )
    finally:
        printer.close()
    note = ", paper low" if health.paper == "low" else ""
    return Result(
        "receipt_printer", port, True, f"receipt printed and cut{note}", detail={"paper": str(health.paper)}
    )


def back_end(cfg: KioskConfig, options: SelftestOptions) -> list[Result]:
    url = str(cfg.back_end.url)
    try:
        client = client_from_config(cfg)
    except ConfigError as exc:
        return [
            Result(
                "back_end",
                url,
                False,
                str(exc),
                Fix("先运行 kiosk-provision enroll", "run kiosk-provision enroll first"),
            )
        ]
    try:
        status = probe_back_end(client, cfg.back_end.probe_timeout_s)
        clock = ClockOffset(client, warn_s=options.clock_tolerance_s).run()
    finally:
        client.close()
    if not status.reachable:
        fix = Fix(
            "检查网络与中心地址；证书问题请重新注册",
            "check the network and the center's URL; for TLS problems enrol again",
        )
        return [Result("back_end", url, False, f"not reachable: {status.problem}", fix)]
    results = [
        Result(
            "back_end",
            url,
            True,
            f"reachable in {status.latency_ms} ms",
            detail={"latency_ms": status.latency_ms, "version": status.version},
        )
    ]
    offset = clock.context.get("offset_s")
    if clock.level is Level.OK:
        results.append(Result("clock", url, True, clock.summary, detail={"offset_s": offset}))
    else:
        results.append(
            Result(
                "clock",
                url,
                False,
                clock.summary,
                Fix(
                    "校准系统时间：timedatectl set-ntp true（或配置 chrony 指向中心的时间服务器）",
                    "sync the clock: timedatectl set-ntp true (or point chrony at the center's time server)",
                ),
                {"offset_s": offset},
            )
        )
    return results


Check = Callable[[KioskConfig, SelftestOptions], Result]
DEVICE_CHECKS: tuple[tuple[str, Check, Callable[[KioskConfig], str]], ...] = (
    ("card_reader", card_reader, lambda c: c.card_reader.port),
    ("camera", camera, lambda c: c.camera.source),
    ("document_printer", document_printer, lambda c: c.printers.cups_queue),
    ("receipt_printer", receipt_printer, lambda c: c.printers.receipt_port),
)


DEVICES = tuple(name for name, _, _ in DEVICE_CHECKS)


def run_all(
    cfg: KioskConfig, options: SelftestOptions | None = None, only: set[str] | None = None
) -> list[Result]:
    options = options or SelftestOptions()
    results = []
    for name, check, configured in DEVICE_CHECKS:
        if only is not None and name not in only:
            continue
        if not configured(cfg):
            results.append(Result(name, "", True, "not configured", skipped=True))
            continue
        results.append(check(cfg, options))
    if only is None or "back_end" in only:
        results += back_end(cfg, options)
    return results


def passed(results: list[Result]) -> bool:
    return all(r.passed for r in results)
