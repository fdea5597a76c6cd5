"""The chip photo: WLT-compressed, decodable only by the reader vendor's licensed library.

The driver keeps the 1024 raw bytes. A kiosk that has the vendor's decoder configures its shared
library (``libwlt2bmp.so`` and kin export ``int unpack(char *wlt, char *bmp, int save)``); without
one, :func:`load_photo_decoder` says clearly that none is configured and identity falls back to the
member's reference face held by the back end.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Protocol

from drivers.idcard.errors import IdCardError, PhotoDecoderMissing

PHOTO_SIZE = (102, 126)
_BMP_BYTES = 54 + 102 * 126 * 3  # 24-bit BMP with its headers


class PhotoDecoder(Protocol):
    def decode(self, wlt: bytes) -> bytes:
        """WLT bytes to a 102x126 24-bit BMP."""
        ...


class PhotoDecodeFailed(IdCardError):
    message_zh = "身份证照片无法解码"


class SharedLibraryDecoder:
    """A vendor's decoder loaded through ctypes; ``symbol`` is its entry point."""

    def __init__(self, library: Path, symbol: str = "unpack") -> None:
        try:
            self._lib = ctypes.CDLL(str(library))
            self._unpack = getattr(self._lib, symbol)
        except (OSError, AttributeError) as exc:
            raise PhotoDecoderMissing(f"cannot load photo decoder {library}:{symbol}: {exc}") from exc
        self._unpack.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int)
        self._unpack.restype = ctypes.c_int

    def decode(self, wlt: bytes) -> bytes:
        out = ctypes.create_string_buffer(_BMP_BYTES)
        code = self._unpack(wlt, out, 0)
        if code != 1:  # vendors return 1 on success
            raise PhotoDecodeFailed(f"decoder returned {code}")
        return out.raw


def load_photo_decoder(library: Path | None, symbol: str = "unpack") -> PhotoDecoder:
    if library is None:
        raise PhotoDecoderMissing("no photo decoder configured")
    return SharedLibraryDecoder(library, symbol)
