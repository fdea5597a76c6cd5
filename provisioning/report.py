"""``kiosk-provision report``: the installation report the center keeps, as JSON and as a PDF.

It carries the device identity and its certificate's fingerprint, every peripheral with its serial
(the USB serial number, the stable name, the card reader's SAM id) and its self-test result, the
technician and the time, and a QR code that opens the device's record in the back end
(``GET /v1/devices/{id}/record``), where anyone holding the paper can check that the certificate matches.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from kiosk import __version__
from kiosk.config import KioskConfig
from kiosk.pdf_canvas import cjk_canvas, cjk_font, draw_qr
from provisioning import identity, records
from provisioning.atomic import write_atomic


@dataclass(frozen=True)
class Peripheral:
    kind: str
    name: str  # the stable name (by-id link, queue, camera source)
    serial: str  # USB serial, SAM id, queue URI: whatever identifies this very unit
    model: str = ""
    selftest: str = "not run"  # pass, fail, skipped, not run
    reason: str = ""


@dataclass(frozen=True)
class InstallationReport:
    device_id: str
    center: str
    hall: str
    technician: str
    created_at: str
    software: str
    back_end: str
    record_url: str
    certificate: dict[str, str] | None
    peripherals: list[Peripheral] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.get("passed") for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "selftest_passed": self.passed}


def record_url(cfg: KioskConfig, device_id: str) -> str:
    return urljoin(str(cfg.back_end.url), f"v1/devices/{quote(device_id, safe='')}/record")


def _peripherals(found: dict[str, Any] | None, checks: list[dict[str, Any]]) -> list[Peripheral]:
    by_check = {c["check"]: c for c in checks}

    def verdict(check: str) -> tuple[str, str]:
        c = by_check.get(check)
        if c is None:
            return "not run", ""
        return ("skipped" if c.get("skipped") else "pass" if c["passed"] else "fail"), c.get("reason", "")

    out: list[Peripheral] = []
    found = found or {}
    for port in found.get("serial_ports", []):
        check = {"idcard": "card_reader", "receipt": "receipt_printer"}.get(port.get("role") or "", "")
        serial = " / ".join(
            x for x in (port.get("serial"), port.get("sam_id") and f"SAM {port['sam_id']}") if x
        )
        kind = {"idcard": "ID card reader 身份证阅读器", "receipt": "receipt printer 凭条打印机"}.get(
            port.get("role") or "", "serial port 串口"
        )
        out.append(
            Peripheral(
                kind,
                port.get("by_id") or port["device"],
                serial or "—",
                port.get("model") or "",
                *verdict(check),
            )
        )
    for camera in found.get("cameras", []):
        size = f"{camera['width']}×{camera['height']} @ {camera['fps']} fps" if camera.get("ok") else ""
        out.append(
            Peripheral(
                "camera 摄像头", camera.get("by_id") or camera["source"], "—", size, *verdict("camera")
            )
        )
    for queue in found.get("cups_queues", []):
        out.append(
            Peripheral(
                "A4 printer 证明打印机",
                queue["name"],
                queue.get("device_uri", ""),
                queue["server"],
                *verdict("document_printer"),
            )
        )
    return out


def build(cfg: KioskConfig, technician: str, now: dt.datetime | None = None) -> InstallationReport:
    enrolled = identity.load(cfg.paths.identity)
    device_id = enrolled.device_id if enrolled else cfg.kiosk.device_id
    checks = records.load(cfg, "selftest") or []
    return InstallationReport(
        device_id=device_id,
        center=cfg.kiosk.center_name,
        hall=cfg.kiosk.hall_name,
        technician=technician,
        created_at=(now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        software=f"fund-kiosk {__version__}",
        back_end=str(cfg.back_end.url),
        record_url=record_url(cfg, device_id),
        certificate=enrolled.as_json() if enrolled else None,
        peripherals=_peripherals(records.load(cfg, "discover"), checks),
        checks=checks,
    )


def write_json(report: InstallationReport, path: Path) -> Path:
    write_atomic(path, json.dumps(report.as_json(), ensure_ascii=False, indent=2).encode("utf-8"), 0o644)
    return path


def write_pdf(report: InstallationReport, path: Path) -> Path:
    font = cjk_font()
    tmp = path.with_name(f".{path.name}.part")
    page = cjk_canvas(tmp, A4)
    page.setTitle(f"安装报告 {report.device_id}")
    width, height = A4
    y = height - 25 * mm
    page.setFont(font, 18)
    page.drawString(20 * mm, y, "住房公积金自助一体机 · 安装报告")
    page.setFont(font, 10)
    page.drawString(20 * mm, y - 7 * mm, "Fund kiosk installation report")
    rows = [
        ("设备编号 Device", report.device_id),
        ("中心 Center", report.center),
        ("网点 Hall", report.hall or "—"),
        ("技术员 Technician", report.technician),
        ("时间 Time", report.created_at),
        ("软件 Software", report.software),
        ("后台 Back end", report.back_end),
        (
            "证书序列号 Cert serial",
            (report.certificate or {}).get("certificate_serial", "未注册 not enrolled"),
        ),
        ("证书有效期 Valid until", (report.certificate or {}).get("not_after", "—")),
    ]
    y -= 20 * mm
    for label, value in rows:
        page.drawString(20 * mm, y, label)
        page.drawString(65 * mm, y, value)
        y -= 6 * mm
    fingerprint = (report.certificate or {}).get("certificate_sha256", "—")
    page.drawString(20 * mm, y, "证书指纹 SHA-256")
    page.setFont(font, 7)
    page.drawString(65 * mm, y, fingerprint)
    y -= 10 * mm
    draw_qr(page, report.record_url, width - 65 * mm, height - 80 * mm, 45 * mm)
    page.setFont(font, 7)
    page.drawString(width - 65 * mm, height - 84 * mm, "扫码查看设备记录 scan for the record")
    page.setFont(font, 11)
    verdict = "全部通过 all passed" if report.passed else "有未通过项 some checks failed"
    page.drawString(20 * mm, y, f"外设与自检 Peripherals and self-test: {verdict}")
    y -= 7 * mm
    page.setFont(font, 8)
    for p in report.peripherals:
        page.drawString(20 * mm, y, f"{p.kind}  {p.selftest.upper()}")
        page.drawString(80 * mm, y, p.name[-60:])
        y -= 4.5 * mm
        page.drawString(24 * mm, y, f"serial {p.serial}  {p.model}  {p.reason}"[:120])
        y -= 6 * mm
    for c in report.checks:
        if c["check"] in {"back_end", "clock"}:
            mark = "PASS" if c["passed"] else "FAIL"
            page.drawString(20 * mm, y, f"{c['check']}  {mark}  {c.get('reason', '')}"[:120])
            y -= 6 * mm
    page.drawString(20 * mm, 20 * mm, "技术员签字 Technician's signature: ____________________")
    page.showPage()
    page.save()
    try:
        write_atomic(path, tmp.read_bytes(), 0o644)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write(report: InstallationReport, folder: Path) -> tuple[Path, Path]:
    stamp = report.created_at.replace(":", "").replace("-", "")[:15]
    stem = f"installation-{report.device_id}-{stamp}"
    return write_json(report, folder / f"{stem}.json"), write_pdf(report, folder / f"{stem}.pdf")
