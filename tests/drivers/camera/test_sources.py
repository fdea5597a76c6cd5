import shutil
from pathlib import Path

import pytest

from drivers.camera.simulator import SimulatedCamera
from drivers.camera.sources import frame_source
from drivers.camera.transport import OpenCVSource, SourceUnavailable

FACES = Path(__file__).resolve().parents[2] / "fixtures" / "faces"


def test_a_camsim_folder_plays_its_images_at_the_asked_size(tmp_path: Path) -> None:
    for name in ("obama_1.jpg", "biden_1.jpg"):
        shutil.copy(FACES / name, tmp_path / name)
    source = frame_source(f"camsim://{tmp_path}?fps=60", width=320, height=240)
    assert isinstance(source, SimulatedCamera)
    source.open()
    try:
        frame = source.read()
    finally:
        source.close()
    assert frame is not None
    assert frame.shape == (240, 320, 3)


def test_an_empty_folder_or_a_missing_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no images"):
        frame_source(f"camsim://{tmp_path}")
    with pytest.raises(SourceUnavailable, match="no such file"):
        frame_source(f"camsim://{tmp_path}/clip.mp4")


def test_anything_else_is_opencv() -> None:
    assert isinstance(frame_source("/dev/video0"), OpenCVSource)
    assert isinstance(frame_source("rtsp://10.0.0.5/stream"), OpenCVSource)
