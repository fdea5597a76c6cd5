"""A camera simulator: plays still images or a video file in a loop at a chosen rate, with faults.

It implements the same :class:`~drivers.camera.transport.FrameSource` as the OpenCV transport and
delivers what a webcam delivers: BGR frames of the configured size (letterboxed, never stretched),
one per frame period, with a little sensor noise on still pictures (a real sensor never repeats a
frame exactly). Faults: every Nth read dropped, the picture frozen after N frames, the device gone
after N frames (back after a delay, or when :meth:`SimulatedCamera.plug` is called).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.transport import Image, SourceUnavailable

VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".webm"})


@dataclass(frozen=True)
class SimFaults:
    drop_every: int = 0  # every Nth read delivers nothing (0: never)
    freeze_after: int | None = None  # after N frames the same picture repeats forever
    disconnect_after: int | None = None  # after N frames the device vanishes
    reconnect_after_s: float | None = None  # … and comes back after this long (None: only on plug())


def letterbox(image: Image, width: int, height: int) -> Image:
    """Fit ``image`` into width×height keeping its aspect ratio; pad with black."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    scale = min(width / w, height / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (nw, nh), interpolation=interp)
    out = np.zeros((height, width, 3), np.uint8)
    top, left = (height - nh) // 2, (width - nw) // 2
    out[top : top + nh, left : left + nw] = resized
    return out


def read_image(path: Path) -> Image:
    """Decode an image file to BGR (``cv2.imread`` cannot read every path, and says nothing on failure)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceUnavailable(f"{path}: {exc.strerror}") from exc
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise SourceUnavailable(f"{path}: not an image")
    return np.asarray(image, dtype=np.uint8)


class SimulatedCamera:
    """Loops over ``media`` (image files, each shown ``frames_per_still`` frames, or one video file)."""

    def __init__(
        self,
        media: Path | Sequence[Path],
        *,
        fps: float = 30.0,
        width: int = 640,
        height: int = 480,
        faults: SimFaults = SimFaults(),
        noise: bool = True,
        frames_per_still: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._media = [media] if isinstance(media, Path) else list(media)
        if not self._media:
            raise ValueError("the simulator needs at least one image or a video")
        self.fps = fps
        self.width = width
        self.height = height
        self.faults = faults
        self._noise = noise
        self._frames_per_still = max(1, frames_per_still)
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._plugged = True
        self._unplugged_at: float | None = None
        self._stills: list[Image] = []
        self._video: cv2.VideoCapture | None = None
        self._noise_patterns: list[Image] = []
        self._open = False
        self._reads = 0
        self.delivered = 0
        self._index = 0
        self._frozen: Image | None = None
        self._disconnected_once = False
        self._next_due = 0.0

    @property
    def is_video(self) -> bool:
        return len(self._media) == 1 and self._media[0].suffix.lower() in VIDEO_SUFFIXES

    @property
    def is_open(self) -> bool:
        return self._open

    # the "cable"
    def unplug(self) -> None:
        with self._lock:
            self._plugged = False
            self._unplugged_at = self._clock()

    def plug(self) -> None:
        with self._lock:
            self._plugged = True
            self._unplugged_at = None

    def _present(self) -> bool:
        with self._lock:
            delay, since = self.faults.reconnect_after_s, self._unplugged_at
            back = delay is not None and since is not None and self._clock() - since >= delay
            if not self._plugged and back:
                self._plugged, self._unplugged_at = True, None
            return self._plugged

    # FrameSource
    def open(self) -> None:
        if self._open:
            return
        if not self._present():
            raise SourceUnavailable("simulated camera: unplugged")
        if self.is_video:
            path = self._media[0]
            if not path.is_file():
                raise SourceUnavailable(f"{path}: no such file")
            video = cv2.VideoCapture(str(path))
            if not video.isOpened():
                video.release()
                raise SourceUnavailable(f"{path}: cannot play")
            self._video = video
        elif not self._stills:
            self._stills = [letterbox(read_image(p), self.width, self.height) for p in self._media]
        if self._noise and not self._noise_patterns:
            rng = np.random.default_rng(4)
            shape = (self.height, self.width, 3)
            self._noise_patterns = [rng.integers(0, 3, shape, dtype=np.uint8) for _ in range(5)]
        self._open = True
        self._next_due = self._clock()

    def close(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None
        self._open = False

    def read(self) -> Image | None:
        if not self._open:
            raise SourceUnavailable("simulated camera: not open")
        self._pace()
        self._reads += 1
        faults = self.faults
        if (
            faults.disconnect_after is not None
            and self.delivered >= faults.disconnect_after
            and not self._disconnected_once
        ):
            self._disconnected_once = True  # the fault fires once; plug() or the delay brings it back
            self.unplug()
        if not self._present():
            self.close()
            raise SourceUnavailable("simulated camera: unplugged")
        if faults.drop_every and self._reads % faults.drop_every == 0:
            return None
        if self._frozen is not None:
            return self._frozen
        frame = self._next_picture()
        self.delivered += 1
        if faults.freeze_after is not None and self.delivered >= faults.freeze_after:
            self._frozen = frame
        return frame

    def _pace(self) -> None:
        """Block until the next frame is due, as a camera does; never build up a backlog."""
        period = 1.0 / self.fps
        now = self._clock()
        if self._next_due > now:
            self._sleep(self._next_due - now)
            now = self._next_due
        self._next_due = max(self._next_due + period, now)

    def _next_picture(self) -> Image:
        if self._video is not None:
            ok, image = self._video.read()
            if not ok:  # loop the clip
                self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, image = self._video.read()
                if not ok:
                    return np.zeros((self.height, self.width, 3), np.uint8)
            return letterbox(np.asarray(image, dtype=np.uint8), self.width, self.height)
        still = self._stills[(self._index // self._frames_per_still) % len(self._stills)]
        self._index += 1
        if not self._noise_patterns:
            return still.copy()
        return np.asarray(cv2.add(still, self._noise_patterns[self._index % len(self._noise_patterns)]))
