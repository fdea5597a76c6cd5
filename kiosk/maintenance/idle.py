"""The idle timeout that leaves maintenance when a technician walks away."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class IdleTimer:
    timeout_s: float
    last_touch: float = 0.0

    def touch(self, now: float) -> None:
        self.last_touch = now

    def left_s(self, now: float) -> float:
        return max(0.0, self.timeout_s - (now - self.last_touch))

    def expired(self, now: float) -> bool:
        return now - self.last_touch >= self.timeout_s
