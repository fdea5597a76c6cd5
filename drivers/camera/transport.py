"""The transport: a source of BGR frames. :class:`OpenCVSource` opens a device index, a /dev path or a
stream URL through OpenCV; the simulator implements the same :class:`FrameSource` protocol."""

from __future__ import annotations

import os
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from drivers.camera.protocol import is_device_path, is_url, parse_source

Image = npt.NDArray[np.uint8]


class SourceUnavailable(OSError):
    """The device is not there (unplugged, wrong path, stream unreachable)."""


class FrameSource(Protocol):
    """Blocking reads of the next frame; ``read`` returns None when the device delivered nothing."""

    @property
    def is_open(self) -> bool: ...

    def open(self) -> None: ...

    def read(self) -> Image | None: ...

    def close(self) -> None: ...


class OpenCVSource:
    """``cv2.VideoCapture`` on an index, a ``/dev/video*`` or ``/dev/v4l/by-id/…`` path, a file or a URL."""

    def __init__(self, spec: str | int, width: int = 640, height: int = 480, fps: float = 30.0) -> None:
        self.source = parse_source(spec)
        self.width = width
        self.height = height
        self.fps = fps
        self._cap: cv2.VideoCapture | None = None

    @property
    def is_open(self) -> bool:
        return self._cap is not None

    def open(self) -> None:
        if self._cap is not None:
            return
        if is_device_path(self.source) and not os.path.exists(str(self.source)):
            raise SourceUnavailable(f"{self.source}: no such device")
        if isinstance(self.source, str) and not is_url(self.source) and not os.path.exists(self.source):
            raise SourceUnavailable(f"{self.source}: no such file")
        cap = cv2.VideoCapture(self.source)
        if not cap.isOpened():
            cap.release()
            raise SourceUnavailable(f"{self.source}: cannot open")
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        cap.set(cv2.CAP_PROP_FPS, self.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # newest frame, not a backlog (where the backend honours it)
        self._cap = cap

    def read(self) -> Image | None:
        if self._cap is None:
            raise SourceUnavailable("not open")
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        return np.asarray(image, dtype=np.uint8)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
