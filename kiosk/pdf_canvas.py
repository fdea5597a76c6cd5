"""The one CJK font (and QR drawing) of every PDF the kiosk side makes: test pages, installation reports.

A PDF names a font and the printer or viewer brings it, unless the PDF carries it. reportlab's CID
fonts (``STSong-Light``) and its standard fonts (Helvetica) are names only: where the reader lacks
them (a printer without Adobe's CJK fonts, a machine without Debian's poppler-data) the Chinese turns
into boxes or nothing. wqy-microhei is registered as a TrueType font here, so reportlab embeds the
subset of glyphs each page uses, Latin text included; every canvas starts in it, so no unembedded
default font is named either. (The reference back end embeds the same font in its certificates with
its own copy of these few lines: it shares nothing with the kiosk but the HTTP contract.)
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kiosk.config import CJK_FONT

FONT = "WenQuanYiMicroHei"
_lock = threading.Lock()


class FontMissingError(RuntimeError):
    """The CJK font file is not installed (Debian package fonts-wqy-microhei)."""


def cjk_font(path: Path = CJK_FONT) -> str:
    """Register wqy-microhei once (embedded as a subset in every PDF that uses it); its name."""
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            if not path.is_file():
                raise FontMissingError(f"CJK font missing: {path} (Debian package fonts-wqy-microhei)")
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    return FONT


def cjk_canvas(
    target: str | Path | IO[bytes], pagesize: tuple[float, float] = A4, size: float = 10
) -> Canvas:
    """A reportlab canvas whose every page starts in the embedded CJK font (never Helvetica)."""
    name = target if not isinstance(target, Path) else str(target)
    return Canvas(name, pagesize=pagesize, initialFontName=cjk_font(), initialFontSize=size)  # type: ignore[arg-type]


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code as filled rectangles, one per run of dark modules in a row: no font is named
    (reportlab's QR widget renders through its graphics layer, which sets Helvetica)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()  # type: ignore[no-untyped-call]
    border = 4  # the quiet zone a scanner needs
    module = size / (count + 2 * border)
    path = canvas.beginPath()
    for r, row in enumerate(code.modules):
        top = y + (count - r - 1 + border) * module
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            path.rect(x + (start + border) * module, top, (c - start) * module, module)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
