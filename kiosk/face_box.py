"""Where the face is, for the screen's preview: a :class:`FaceEngine` that remembers the box of the
largest face it last detected (on the verification worker) so the screen can draw it on the picture.

Only a box and its time are kept: no pixels, no landmarks, nothing about who it is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from kiosk.identity.encoder import Encoder
from kiosk.identity.engine import CAMERA_DETECTOR, DetectorSettings, Face, FaceEngine, Image

FRESH_S = 0.6  # an older box is not where the face is now

BoxTuple = tuple[int, int, int, int]


class BoxWatchingEngine(FaceEngine):
    def __init__(self, encoder: Encoder | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(encoder)
        self._clock = clock
        self._lock = threading.Lock()
        self._box: tuple[BoxTuple | None, float] = (None, 0.0)

    def detect(self, image: Image, settings: DetectorSettings = CAMERA_DETECTOR) -> list[Face]:
        faces = super().detect(image, settings)
        box = faces[0].box if faces else None
        with self._lock:
            self._box = ((box.left, box.top, box.right, box.bottom) if box else None, self._clock())
        return faces

    def last_box(self) -> BoxTuple | None:
        """The newest face box in camera pixels, or None when there is none or it is stale."""
        with self._lock:
            box, at = self._box
        return box if box is not None and self._clock() - at <= FRESH_S else None

    def forget(self) -> None:
        with self._lock:
            self._box = (None, 0.0)
