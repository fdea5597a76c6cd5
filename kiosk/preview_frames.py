"""The camera's newest frame for the screen's preview, in RGB (the camera gives OpenCV's BGR): converted
here, once per new frame, so the screens need no OpenCV (they do no I/O) and Kivy no slow conversion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.camera.device import Frame
from drivers.camera.transport import Image


@dataclass(frozen=True, slots=True)
class RgbFrame:
    image: Image  # RGB
    seq: int


class RgbFrames:
    """Call it for the newest frame in RGB (None before the first)."""

    def __init__(self, latest: Callable[[], Frame | None]) -> None:
        self._latest = latest
        self._last: RgbFrame | None = None

    def __call__(self) -> RgbFrame | None:
        frame = self._latest()
        if frame is None:
            return None
        last = self._last
        if last is None or last.seq != frame.seq:
            rgb = np.asarray(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB), dtype=np.uint8)
            last = self._last = RgbFrame(rgb, frame.seq)
        return last
