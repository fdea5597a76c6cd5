"""The CJK font for the provisioning PDFs (the test page and the installation report)."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.config import CJK_FONT

FONT = "WenQuanYiMicroHei"


def cjk_font() -> str:
    """Register wqy-microhei once (embedded as a subset) and return its name."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(CJK_FONT), subfontIndex=0))
    return FONT
