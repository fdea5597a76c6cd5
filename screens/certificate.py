"""``缴存证明``: the sealed certificate's first page as a picture (or its verification code while there is
no picture), then print."""

from __future__ import annotations

from pathlib import Path

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.session.states import Stage
from kiosk.session.view import CertificateDetail, View
from screens.message import MessagePanel
from screens.stage import StageScreen
from screens.strings import text
from screens.theme import Theme


class CertificateScreen(StageScreen):
    stage = Stage.CERTIFICATE

    def build_body(self, body: BoxLayout, view: View, theme: Theme) -> None:
        detail = view.detail
        if not isinstance(detail, CertificateDetail) or detail.verification_code is None:
            return
        lang = view.language
        if detail.preview_png is not None and Path(detail.preview_png).is_file():
            # nocache: the picture is the member's; Kivy must not keep it for the next one
            body.add_widget(
                Image(source=detail.preview_png, nocache=True, size_hint_y=None, height=theme.px(900))
            )
        body.add_widget(
            MessagePanel(
                theme,
                "info",
                text("certificate.ready", lang),
                text("certificate.code", lang, code=detail.verification_code),
            )
        )
