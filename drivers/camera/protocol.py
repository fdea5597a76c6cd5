"""Pure parts of the camera driver: what a source string means, the status values, the frame rate.

Nothing here touches a device, so it is table-tested.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from drivers.status import FAULT_STATES, DeviceStatus

# The states in which a session cannot use the camera.
UNUSABLE_STATES = FAULT_STATES


@dataclass(frozen=True)
class CameraStatus:
    state: DeviceStatus
    fps: float  # frames delivered per second over the last few seconds
    last_frame_age_s: float | None  # None before the first frame
    frames: int  # delivered since open
    dropped: int  # failed reads (the device delivered nothing)
    reconnects: int
    detail: str = ""  # why, when the state is not online ("frozen picture", "no frames for 2.1 s")

    def as_dict(self) -> dict[str, object]:
        return {
            "state": str(self.state),
            "fps": round(self.fps, 1),
            "last_frame_age_s": None if self.last_frame_age_s is None else round(self.last_frame_age_s, 3),
            "frames": self.frames,
            "dropped": self.dropped,
            "reconnects": self.reconnects,
            "detail": self.detail,
        }


_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def parse_source(spec: str | int) -> int | str:
    """``0`` or ``"0"`` -> device index 0; ``/dev/video2``, ``/dev/v4l/by-id/…``, a file or a URL -> str."""
    if isinstance(spec, int):
        if spec < 0:
            raise ValueError(f"camera index must be ≥ 0 (got {spec})")
        return spec
    text = spec.strip()
    if not text:
        raise ValueError("camera source is empty")
    if text.isdigit():
        return int(text)
    return text


def is_url(source: int | str) -> bool:
    return isinstance(source, str) and bool(_URL.match(source))


def is_device_path(source: int | str) -> bool:
    return isinstance(source, str) and source.startswith("/dev/")


class FpsMeter:
    """Frames per second over a sliding window of arrival times (seconds, monotonic)."""

    def __init__(self, window_s: float = 2.0) -> None:
        self._window_s = window_s
        self._times: deque[float] = deque()

    def tick(self, now: float) -> None:
        self._times.append(now)
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] > self._window_s:
            self._times.popleft()

    def fps(self, now: float) -> float:
        self._trim(now)
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0
