"""Active liveness: a challenge drawn at random per session (blink, turn left, turn right), judged on the
68 landmarks, within a time limit, on one tracked face from start to end. A blink is a drop of the eye
aspect ratio below the member's own open-eye level; a turn is the nose tip moving between the outer
eye corners, away from where it rested when the challenge began.

What it stops and what it does not: a printed photo or a phone held still cannot blink or turn its
head in 3D on request, so it fails (swivelling a flat picture squeezes it evenly: the nose stays where
it was between the eye corners, which is not a turn). A video replayed on a screen that happens to
show the requested action, or a 3D mask, can pass: that needs a presentation-attack detector in
hardware (an IR or depth camera), which plugs in through :class:`PresentationAttackDetector`.
"""

from __future__ import annotations

import secrets
import statistics
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from kiosk.identity.pose import Points, ear, nose_ratio


class Challenge(StrEnum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"  # the member's own left
    TURN_RIGHT = "turn_right"


PROMPTS: dict[Challenge, str] = {
    Challenge.BLINK: "请眨一眨眼睛",
    Challenge.TURN_LEFT: "请慢慢向左转头",
    Challenge.TURN_RIGHT: "请慢慢向右转头",
}


class Outcome(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class LivenessFailure(StrEnum):
    TIMEOUT = "liveness_timeout"
    WRONG_DIRECTION = "wrong_direction"
    FACE_CHANGED = "face_changed"
    PRESENTATION_ATTACK = "presentation_attack"


def random_challenge() -> Challenge:
    """Unpredictable per session (``secrets``), so a prepared recording cannot know what comes."""
    return secrets.choice(list(Challenge))


@dataclass(frozen=True)
class LivenessPolicy:
    time_limit_s: float = 8.0
    baseline_frames: int = 3  # frames that set the member's own open-eye level and resting yaw
    closed_below: float = 0.7  # eyes closed when EAR < this × the member's open-eye level
    open_above: float = 0.85  # … and open again when back above this × that level
    # A turn: the nose tip moves this far (as a fraction of the distance between the outer eye corners)
    # from where it rested; 0.12 is about 15-25 degrees of yaw on the fixture photos.
    turn_ratio: float = 0.12


@dataclass(frozen=True)
class Observation:
    t: float  # seconds, monotonic
    track: int  # the tracked face this landmark set belongs to
    landmarks: Points
    frame_size: tuple[int, int]  # (width, height)


@dataclass
class LivenessChallenge:
    """Feed it one observation per processed frame; it answers pending, passed or failed."""

    kind: Challenge
    policy: LivenessPolicy = LivenessPolicy()
    outcome: Outcome = field(default=Outcome.PENDING, init=False)
    failure: LivenessFailure | None = field(default=None, init=False)
    _started: float | None = field(default=None, init=False)
    _track: int | None = field(default=None, init=False)
    _ears: list[float] = field(default_factory=list, init=False)
    _ratios: list[float] = field(default_factory=list, init=False)
    _closed: bool = field(default=False, init=False)
    _wrong_way: bool = field(default=False, init=False)

    @property
    def prompt(self) -> str:
        return PROMPTS[self.kind]

    def fail(self, why: LivenessFailure) -> Outcome:
        self.outcome, self.failure = Outcome.FAILED, why
        return self.outcome

    def observe(self, obs: Observation) -> Outcome:
        if self.outcome is not Outcome.PENDING:
            return self.outcome
        if self._started is None:
            self._started, self._track = obs.t, obs.track
        if obs.track != self._track:
            return self.fail(LivenessFailure.FACE_CHANGED)
        if obs.t - self._started > self.policy.time_limit_s:
            return self._time_up()
        if self.kind is Challenge.BLINK:
            self._blink(ear(obs.landmarks))
        else:
            self._turn(nose_ratio(obs.landmarks))
        return self.outcome

    def expire(self, now: float) -> Outcome:
        """Time passes without a usable frame (no face): the limit still applies."""
        started = self._started
        if (
            self.outcome is Outcome.PENDING
            and started is not None
            and now - started > self.policy.time_limit_s
        ):
            return self._time_up()
        return self.outcome

    def _time_up(self) -> Outcome:
        return self.fail(LivenessFailure.WRONG_DIRECTION if self._wrong_way else LivenessFailure.TIMEOUT)

    def _blink(self, value: float) -> None:
        self._ears.append(value)
        if len(self._ears) <= self.policy.baseline_frames:
            return
        # The member's own open-eye level: the upper quartile of what we have seen (a fixed 0.2 fails
        # for smiling or narrow eyes; a blink is brief, so most frames are open).
        level = float(np.percentile(np.asarray(self._ears), 75))
        if value < self.policy.closed_below * level:
            self._closed = True
        elif self._closed and value > self.policy.open_above * level:
            self.outcome = Outcome.PASSED

    def _turn(self, ratio: float) -> None:
        # The nose-between-eye-corners ratio, not solvePnP's yaw: with a generic head model and a pixel
        # of landmark noise on a 150 px face, PnP yaw wobbles by several degrees near frontal, while the
        # ratio moves by under 0.01 (solvePnP still drives the frontal gate, where ±25° is coarse).
        self._ratios.append(ratio)
        if len(self._ratios) <= self.policy.baseline_frames:
            return
        rest = statistics.median(self._ratios[: self.policy.baseline_frames])
        change = ratio - rest  # + is towards the member's left
        wanted = 1.0 if self.kind is Challenge.TURN_LEFT else -1.0
        if change * wanted >= self.policy.turn_ratio:
            self.outcome = Outcome.PASSED
        elif -change * wanted >= self.policy.turn_ratio:
            self._wrong_way = True


@dataclass(frozen=True)
class AttackVerdict:
    live: bool
    score: float  # the detector's own confidence that the face is live, 0-1
    detail: str = ""


class PresentationAttackDetector(Protocol):
    """A hardware check (IR reflectance, depth) run on each verification frame; None when absent."""

    def check(self, frame: npt.NDArray[np.uint8], box: tuple[int, int, int, int]) -> AttackVerdict: ...
