"""A frame source from a configuration string: a real camera through OpenCV, or ``camsim://`` (simulated).

``camsim:///ABS/PATH?fps=15`` plays an image, a folder of images or a video file through
:class:`~drivers.camera.simulator.SimulatedCamera` at the asked size; anything else is an
:class:`~drivers.camera.transport.OpenCVSource` (an index, a ``/dev`` path, a file or a stream URL).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from drivers.camera.simulator import SimulatedCamera
from drivers.camera.transport import FrameSource, OpenCVSource, SourceUnavailable

SIM_SCHEME = "camsim"
_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})


def is_simulated(spec: str) -> bool:
    return spec.startswith(f"{SIM_SCHEME}://")


def frame_source(spec: str, width: int = 640, height: int = 480, fps: float = 30.0) -> FrameSource:
    if not is_simulated(spec):
        return OpenCVSource(spec, width, height, fps)
    parts = urlsplit(spec)
    path = Path(parts.path)
    query = parse_qs(parts.query)
    rate = float(query.get("fps", [str(fps)])[0])
    if path.is_dir():
        media = sorted(p for p in path.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)
        if not media:
            raise SourceUnavailable(f"{path}: no images in the folder")
        return SimulatedCamera(media, fps=rate, width=width, height=height, frames_per_still=int(rate))
    if not path.exists():
        raise SourceUnavailable(f"{path}: no such file")
    return SimulatedCamera(path, fps=rate, width=width, height=height)
