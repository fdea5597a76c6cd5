"""Lay out the certificate as an A4 PDF (reportlab), Chinese text in the embedded CJK font."""

from __future__ import annotations

import functools
import io
import threading
from pathlib import Path

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from fundcenter.certificates.content import CertificateFields

FONT = "WenQuanYiMicroHei"
_registered: set[Path] = set()
_lock = threading.Lock()


def _font(path: Path) -> str:
    """Register the CJK font once; reportlab embeds the subset of glyphs each PDF uses."""
    with _lock:
        if path not in _registered:
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            _registered.add(path)
    return FONT


@functools.lru_cache(maxsize=4)
def _image(path: Path) -> ImageReader:
    """The seal image decoded once per process (it is the same on every certificate)."""
    return ImageReader(str(path))


def _qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR modules as filled squares (no font resources, unlike the graphics renderer)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()  # type: ignore[no-untyped-call]
    border = 2
    module = size / (count + 2 * border)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(code.modules):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (c + border) * module, y + (count - r - 1 + border) * module, module, module, 0, 1
                )
    canvas.restoreState()


def render(fields: CertificateFields, *, verify_url: str, seal_png: Path, font_path: Path) -> bytes:
    font = _font(font_path)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=10)  # type: ignore[arg-type]
    canvas.setTitle(fields.title)
    canvas.setAuthor(fields.center)
    canvas.setSubject(f"{fields.title} {fields.verification_code}")
    canvas.setCreator("fundcenter")
    width, height = A4
    left, right = 22 * mm, width - 22 * mm

    canvas.setFont(font, 22)
    canvas.drawCentredString(width / 2, height - 32 * mm, fields.title)
    canvas.setFont(font, 10)
    canvas.drawString(left, height - 44 * mm, f"验证码：{fields.verification_code}")
    canvas.drawRightString(right, height - 44 * mm, f"出具日期：{fields.issue_date}")

    top, row_h, label_w = height - 50 * mm, 10 * mm, 42 * mm
    rows = fields.rows()
    canvas.setLineWidth(0.8)
    canvas.rect(left, top - row_h * len(rows), right - left, row_h * len(rows))
    canvas.line(left + label_w, top, left + label_w, top - row_h * len(rows))
    canvas.setFont(font, 11.5)
    for i, (label, value) in enumerate(rows):
        y = top - row_h * (i + 1)
        if i:
            canvas.line(left, y + row_h, right, y + row_h)
        canvas.drawString(left + 4 * mm, y + 3.4 * mm, label)
        canvas.drawString(left + label_w + 4 * mm, y + 3.4 * mm, value)

    body_y = top - row_h * len(rows) - 12 * mm
    canvas.setFont(font, 11)
    canvas.drawString(left, body_y, f"兹证明{fields.name}在我中心缴存住房公积金，以上信息截至出具日期。")
    canvas.drawString(
        left, body_y - 7 * mm, "本证明经中心电子签章，可扫描二维码或登录核验页面输入验证码核验真伪。"
    )

    qr_size = 34 * mm
    qr_y = 30 * mm
    _qr(canvas, verify_url, left, qr_y, qr_size)
    canvas.setFont(font, 8.5)
    canvas.drawString(left, qr_y - 5 * mm, "扫码核验")
    canvas.drawString(left, qr_y - 10 * mm, verify_url)

    seal = 42 * mm
    seal_x, seal_y = right - seal - 6 * mm, qr_y - 4 * mm
    canvas.setFont(font, 12)
    canvas.drawRightString(right, seal_y + seal / 2 + 3 * mm, fields.center)
    canvas.drawRightString(right, seal_y + seal / 2 - 5 * mm, fields.issue_date)
    canvas.drawImage(_image(seal_png), seal_x, seal_y, seal, seal, mask="auto")
    canvas.setFont(font, 10)
    canvas.drawString(left + qr_size + 8 * mm, qr_y + 4 * mm, f"经办：{fields.operator}")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
