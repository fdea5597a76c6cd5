"""One face followed from frame to frame, so the face that passed the challenge is the face that matches.

A detection continues the current track when it is near where the face was (centre within half a face
width, size within ×1.5) and was seen recently; otherwise it starts a new track. The verifier also
compares encodings along a track, which catches a swap that geometry alone would miss.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.identity.engine import Box


@dataclass(frozen=True)
class TrackerPolicy:
    max_shift: float = 0.5  # centre movement between processed frames, in face widths
    max_scale: float = 1.5
    max_gap_s: float = 1.0  # a face unseen for longer than this is a new face when it returns


class FaceTracker:
    def __init__(self, policy: TrackerPolicy = TrackerPolicy()) -> None:
        self.policy = policy
        self.track = 0
        self._box: Box | None = None
        self._seen: float | None = None

    def update(self, box: Box, t: float) -> int:
        if not self._continues(box, t):
            self.track += 1
        self._box, self._seen = box, t
        return self.track

    def _continues(self, box: Box, t: float) -> bool:
        last, seen = self._box, self._seen
        if last is None or seen is None or t - seen > self.policy.max_gap_s:
            return False
        dx = (box.left + box.right - last.left - last.right) / 2
        dy = (box.top + box.bottom - last.top - last.bottom) / 2
        shift = (dx * dx + dy * dy) ** 0.5 / max(1, last.width)
        scale = max(box.width, 1) / max(last.width, 1)
        return shift <= self.policy.max_shift and 1 / self.policy.max_scale <= scale <= self.policy.max_scale
