"""The plug-in point for the reader vendor's licensed WLT decoder."""

import shutil
import subprocess
from pathlib import Path

import pytest

from drivers.idcard.errors import PhotoDecoderMissing
from drivers.idcard.photo import PhotoDecodeFailed, load_photo_decoder

# A stand-in with the vendors' calling convention: int unpack(char *wlt, char *bmp, int save).
FAKE_DECODER = r"""
int unpack(const char *wlt, char *bmp, int save) {
    if (wlt[0] != 'W') return -1;
    bmp[0] = 'B'; bmp[1] = 'M';
    return 1;
}
"""


def test_without_a_decoder_the_message_is_clear() -> None:
    with pytest.raises(PhotoDecoderMissing, match="no photo decoder configured"):
        load_photo_decoder(None)


def test_a_library_that_cannot_be_loaded(tmp_path: Path) -> None:
    with pytest.raises(PhotoDecoderMissing, match="cannot load photo decoder"):
        load_photo_decoder(tmp_path / "libwlt2bmp.so")


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler to build the stand-in decoder")
def test_a_vendor_library_is_called_through_ctypes(tmp_path: Path) -> None:
    source = tmp_path / "fake.c"
    source.write_text(FAKE_DECODER)
    library = tmp_path / "libfakewlt.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True, timeout=60)
    decoder = load_photo_decoder(library)
    bmp = decoder.decode(b"WLT" + bytes(1021))
    assert bmp[:2] == b"BM"
    assert len(bmp) == 54 + 102 * 126 * 3
    with pytest.raises(PhotoDecodeFailed):
        decoder.decode(bytes(1024))
    with pytest.raises(PhotoDecoderMissing):
        load_photo_decoder(library, symbol="no_such_function")
