"""``kiosk-provision selftest``: every configured device once, as a member's session would use it.

The device tests are the maintenance screen's (:mod:`kiosk.maintenance.device_tests`): a card read
(shown masked), a camera frame's size, rate, exposure and faces, an A4 test page, a test receipt.
This adds the verdict a technician needs in the field (pass or fail, the reason, the fix to try in
Chinese and English), the card reader's SAM id for the report, and the link: the back end through
the kiosk's own client, and the clock against its ``Date``. A device the config leaves out ("" port
or queue) is skipped, not failed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from drivers.camera.device import Camera
from drivers.camera.sources import frame_source
from drivers.camera.transport import SourceUnavailable
from drivers.idcard import errors as idcard_errors
from drivers.idcard.device import IdCardReader
from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.cups.transport import CupsQueue
from drivers.printer.escpos.device import ReceiptPrinter
from kiosk.backend_probe import probe_back_end
from kiosk.client.factory import client_from_config
from kiosk.config import ConfigError, KioskConfig
from kiosk.health.checks import Level
from kiosk.health.link_checks import ClockOffset
from kiosk.maintenance import device_tests
from kiosk.maintenance.device_tests import DeviceTestResult


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
    frames: int = 10  # frames to wait for before judging one (the rate is measured over them)
    frame_timeout_s: float = 3.0
    detect_face: bool = True
    clock_tolerance_s: float = 30.0


# The maintenance tests' outcome codes: what they mean for a technician and what to try.
_CABLE = Fix("检查 USB 线和电源，再运行 discover", "check the USB cable and power, then run discover")
_BAUD = Fix("检查波特率设置与串口线", "check the baud rate and the serial cable")
_CARD = Fix("换一张测试卡再试", "try another test card")
_OUTCOMES: dict[str, tuple[str, Fix | None]] = {
    "card_read": ("read a test card", None),
    "no_card": (
        "no card within {seconds} s",
        Fix("把测试身份证平放在读卡区", "lay a test ID card flat on the reader"),
    ),
    "reader_unavailable": ("", _CABLE),
    "reader_silent": ("", _BAUD),
    "sam_failed": (
        "",
        Fix("读卡器安全模块故障，请联系厂商更换", "the reader's SAM failed: have the vendor replace it"),
    ),
    "card_unreadable": ("", _CARD),
    "no_frame": ("no frame ({state})", _CABLE),
    "dark": (
        "too dark (mean grey {brightness})",
        Fix("打开补光灯或调整摄像头曝光", "turn on the fill light or raise the exposure"),
    ),
    "bright": (
        "overexposed (mean grey {brightness})",
        Fix("避开直射光或降低曝光", "keep direct light off the lens or lower the exposure"),
    ),
    "printed": ("printed", None),
}


def _judged(check: str, device: str, result: DeviceTestResult, **detail: object) -> Result:
    code = result.code
    if result.device == "camera" and result.ok and result.values.get("exposure") in ("dark", "bright"):
        code = result.values["exposure"]  # a frame came, but a face could not be checked in it
    template, fix = _OUTCOMES.get(code, ("", None))
    if code == "print_failed":
        message = result.values.get("message") or "打印机故障"
        fix = Fix(
            f"{message}；排除后重试", "clear the fault (paper, cover, jam), re-enable the printer, retry"
        )
    reason = template.format(**result.values) if template else result.detail
    values: dict[str, object] = {**result.values, **detail}
    return Result(
        check, device, code in ("card_read", "frame", "frame_faces", "printed"), reason, fix, values
    )


def card_reader(cfg: KioskConfig, options: SelftestOptions) -> Result:
    port = cfg.card_reader.port
    reader = IdCardReader(port, baudrate=cfg.card_reader.baudrate)
    sam_id = ""
    with contextlib.suppress(idcard_errors.IdCardError):  # the test below says what is wrong
        reader.open()
        sam_id = reader.sam_id()
    reader.close()
    result = device_tests.check_card_reader(reader, options.card_timeout_s)
    return _judged("card_reader", port, result, sam_id=sam_id)


def camera(cfg: KioskConfig, options: SelftestOptions) -> Result:
    spec = cfg.camera.source
    try:
        source = frame_source(spec, cfg.camera.width, cfg.camera.height, cfg.camera.fps)
    except (SourceUnavailable, ValueError) as exc:
        return Result("camera", spec, False, str(exc), _CABLE)
    count_faces = device_tests.face_counter() if options.detect_face else None
    with Camera(source) as running:
        running.wait_frame(0, options.frame_timeout_s)
        running.wait_frame(options.frames, options.frame_timeout_s)  # a few frames: a rate to report
        result = device_tests.check_camera(running, count_faces, options.frame_timeout_s)
    judged = _judged("camera", spec, result)
    if judged.passed:
        v = result.values
        faces = f", {v['faces']} face(s)" if v.get("faces") not in (None, "0") else ""
        judged = Result(
            "camera", spec, True, f"{v['width']}×{v['height']}, exposure ok{faces}", None, judged.detail
        )
    return judged


def document_printer(cfg: KioskConfig, options: SelftestOptions) -> Result:
    queue = CupsQueue(cfg.printers.cups_queue, cfg.printers.cups_server)
    result = device_tests.check_document_printer(CupsDocumentPrinter(queue), cfg.kiosk.device_id)
    judged = _judged("document_printer", queue.uri, result)
    if not judged.passed and judged.fix is not None:
        en = f"{judged.fix.en}: cupsenable {queue.name}"
        judged = Result(
            judged.check, judged.device, False, judged.reason, Fix(judged.fix.zh, en), judged.detail
        )
    return judged


def receipt_printer(cfg: KioskConfig, options: SelftestOptions) -> Result:
    port = cfg.printers.receipt_port
    printer = ReceiptPrinter(port, baudrate=cfg.printers.receipt_baudrate)
    try:
        result = device_tests.check_receipt_printer(printer, cfg.kiosk.device_id)
    finally:
        printer.close()
    return _judged("receipt_printer", port, result)


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
