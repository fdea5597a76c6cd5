"""One member's face verification, frame by frame: quality gates, a liveness challenge on one tracked
face, then a match decision from several consistent frames. UI-agnostic; it emits :class:`Progress`.

Phases: *align* (wait for a good frontal frame; encode it as the anchor of this face), *challenge* (the
random liveness action; the frame that completes it is encoded and must be the anchored face), *confirm*
(``frames_to_decide`` good frames, each encoded and compared with the reference and with the anchor).
When the tracker loses the face, the face it finds next is encoded and may carry on only if it is the
anchored face. Verified only when all of the last ``frames_to_decide`` distances are
within the threshold; not a match when all of them are beyond it; otherwise it keeps looking until the
time limit. Encodings live in memory only and :meth:`FaceVerifier.close` clears them.

:meth:`FaceVerifier.process` runs on a worker thread while :meth:`FaceVerifier.close` comes from the UI
thread when the member leaves: a frame is processed under a lock, ``close`` marks the verifier closed
and wipes it at once when no frame is in flight, else the frame in flight stops at its next step
(detection done, an encoding computed), drops what it computed and wipes on its way out. The UI thread
never waits for an encoding, and no encoding outlives the session.
"""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import numpy as np

from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import CAMERA_DETECTOR, DetectorSettings, Face, FaceEngine, Image, distance
from kiosk.identity.liveness import (
    Challenge,
    LivenessChallenge,
    LivenessFailure,
    LivenessPolicy,
    Observation,
    Outcome,
    PresentationAttackDetector,
    random_challenge,
)
from kiosk.identity.quality import MESSAGES, Issue, QualityPolicy, assess
from kiosk.identity.thresholds import LIBRARY_DEFAULT, MATCH_THRESHOLD
from kiosk.identity.tracking import FaceTracker

_T = TypeVar("_T")


class Step(StrEnum):
    FACE_FOUND = "face_found"
    ADJUST = "adjust"  # a quality gate failed; code is the gate, message tells the member what to do
    CHALLENGE = "challenge"  # code is blink / turn_left / turn_right
    HOLD_STILL = "hold_still"
    VERIFIED = "verified"
    FAILED = "failed"


class Failure(StrEnum):
    NOT_MATCH = "not_match"
    TIMEOUT = "timeout"
    FACE_CHANGED = "face_changed"
    LIVENESS_TIMEOUT = "liveness_timeout"
    WRONG_DIRECTION = "wrong_direction"
    PRESENTATION_ATTACK = "presentation_attack"
    CAMERA = "camera"
    INTERNAL = "internal_error"


FAILURE_MESSAGES: dict[Failure, str] = {
    Failure.NOT_MATCH: "人脸与身份证信息不一致，请本人办理或到柜台咨询",
    Failure.TIMEOUT: "核验时间到了，请重新开始",
    Failure.FACE_CHANGED: "核验过程中更换了人员，请本人重新核验",
    Failure.LIVENESS_TIMEOUT: "未完成提示的动作，请重新开始",
    Failure.WRONG_DIRECTION: "转头方向不对，请重新开始",
    Failure.PRESENTATION_ATTACK: "未通过活体检测，请到柜台办理",
    Failure.CAMERA: "摄像头暂时无法使用，请到柜台办理",
    Failure.INTERNAL: "暂时无法核验，请稍后重试或到柜台办理",
}
_STEP_MESSAGES = {
    Step.FACE_FOUND: "已找到您的脸，请正视屏幕",
    Step.HOLD_STILL: "请保持不动，正在核验",
    Step.VERIFIED: "人脸核验通过",
}


@dataclass(frozen=True)
class Progress:
    """A plain event for the screens: what happened, a machine code, and what to tell the member."""

    step: Step
    code: str = ""
    message: str = ""
    distance: float | None = None


@dataclass(frozen=True)
class VerifyPolicy:
    threshold: float = MATCH_THRESHOLD
    # Same face as the anchor (a turned or blinking face encodes a little differently from a frontal
    # one): looser than the match threshold, still far below the nearest impostor pair (0.69).
    continuity_threshold: float = LIBRARY_DEFAULT
    frames_to_decide: int = 3
    time_limit_s: float = 30.0
    detector: DetectorSettings = CAMERA_DETECTOR
    quality: QualityPolicy = field(default_factory=QualityPolicy)
    liveness: LivenessPolicy = field(default_factory=LivenessPolicy)


def failed(why: Failure) -> Progress:
    return Progress(Step.FAILED, str(why), FAILURE_MESSAGES[why])


class VerifierStateError(RuntimeError):
    """The verifier's own state is inconsistent (a bug, never the member's doing); the session turns
    it into ``failed(internal_error)``."""


class _Closed(Exception):
    """The verifier was closed while a frame was in flight: stop and touch nothing."""


@dataclass
class FaceVerifier:
    engine: FaceEngine
    reference: Encoding
    policy: VerifyPolicy = field(default_factory=VerifyPolicy)
    challenge: Challenge = field(default_factory=random_challenge)
    attack_detector: PresentationAttackDetector | None = None
    result: Progress | None = field(default=None, init=False)
    distances: list[float] = field(default_factory=list, init=False)  # to the reference, after the challenge
    anchor_distance: float | None = field(default=None, init=False)  # before the challenge (not decided on)
    _started: float | None = field(default=None, init=False)
    _tracker: FaceTracker = field(default_factory=FaceTracker, init=False)
    _track: int | None = field(default=None, init=False)
    _anchor: Encoding | None = field(default=None, init=False)
    _liveness: LivenessChallenge | None = field(default=None, init=False)
    _last_issue: Issue | None = field(default=None, init=False)
    _closed: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def done(self) -> bool:
        return self.result is not None

    def _finish(self, event: Progress) -> list[Progress]:
        self.result = event
        return [event]

    def process(self, image: Image, t: float) -> list[Progress]:
        """One camera frame (BGR) taken at monotonic time ``t``; the events it produced (none once
        closed: a frame that was in flight when :meth:`close` came stops and leaves no trace)."""
        try:
            with self._lock:
                if self._closed:
                    return []
                try:
                    return self._process(image, t)
                except _Closed:
                    return []
        finally:
            if self._closed:
                self._wipe_when_free()  # close() came while this frame held the lock

    def _process(self, image: Image, t: float) -> list[Progress]:  # noqa: PLR0911 - a return per outcome
        if self.result is not None:
            return []
        if self._started is None:
            self._started = t
        if t - self._started > self.policy.time_limit_s:
            return self._finish(failed(Failure.TIMEOUT))
        faces = self.engine.detect(image, self.policy.detector)
        self._check_open()
        quality = assess(image, faces, self.policy.quality)
        if quality.ok:
            self._last_issue = None
        face = quality.face
        if face is None:
            if self._liveness is not None and self._liveness.expire(t) is Outcome.FAILED:
                return self._finish(self._liveness_failure())
            return self._adjust(quality.issue, [])
        if self._is_attack(image, face):
            return self._finish(failed(Failure.PRESENTATION_ATTACK))
        events: list[Progress] = []
        track = self._tracker.update(face.box, t)
        if self._track is None:
            events.append(Progress(Step.FACE_FOUND, "", _STEP_MESSAGES[Step.FACE_FOUND]))
        elif track != self._track and self._anchor is not None and not self._same_as_anchor(image, face):
            # The tracker lost the face (a gap, a jump): only the same person may carry on.
            return self._finish(failed(Failure.FACE_CHANGED))
        self._track = track  # before the anchor nothing was decided: follow whoever is in front
        if self._anchor is None or self._liveness is None:
            return self._align(image, face, quality.issue, events)
        if self._liveness.outcome is Outcome.PENDING:
            return self._challenge(image, face, t, events)
        return self._confirm(image, face, quality.issue, events)

    def _same_as_anchor(self, image: Image, face: Face) -> bool:
        """Encode this face and compare it with the anchor at the (looser) continuity threshold."""
        anchor = self._require(self._anchor, "no anchor to compare with")
        return distance(self._encode(image, face), anchor) <= self.policy.continuity_threshold

    def _encode(self, image: Image, face: Face) -> Encoding:
        """An encoding of ``face``; if the verifier was closed meanwhile, it is zeroed and dropped."""
        encoding = self.engine.encode(image, face)
        if self._closed:
            np.asarray(encoding).fill(0.0)
            raise _Closed
        return encoding

    def _check_open(self) -> None:
        if self._closed:
            raise _Closed

    @staticmethod
    def _require(value: _T | None, what: str) -> _T:
        if value is None:
            raise VerifierStateError(f"face verifier: {what}")
        return value

    def _is_attack(self, image: Image, face: Face) -> bool:
        if self.attack_detector is None:
            return False
        b = face.box
        return not self.attack_detector.check(image, (b.left, b.top, b.right, b.bottom)).live

    def _align(self, image: Image, face: Face, issue: Issue | None, events: list[Progress]) -> list[Progress]:
        """Wait for a good frontal frame; its encoding anchors this face; then the challenge starts."""
        if issue is not None:
            return self._adjust(issue, events)
        encoding = self._encode(image, face)
        self._anchor = encoding
        self.anchor_distance = distance(encoding, self.reference)
        self._liveness = LivenessChallenge(self.challenge, self.policy.liveness)
        events.append(Progress(Step.CHALLENGE, str(self.challenge), self._liveness.prompt))
        return events

    def _challenge(self, image: Image, face: Face, t: float, events: list[Progress]) -> list[Progress]:
        """Any face of this person counts here, frontal or not (a turn is not frontal).

        The frame that completes the action is encoded too: whoever blinked or turned must be the
        anchored face, so nobody can stand in for the action between a photo's frames.
        """
        liveness = self._require(self._liveness, "no liveness challenge in the challenge phase")
        h, w = image.shape[:2]
        # One person id for the whole verification: a track change was already checked above.
        outcome = liveness.observe(Observation(t, 1, face.landmarks, (w, h)))
        if outcome is Outcome.FAILED:
            return self._finish(self._liveness_failure())
        if outcome is Outcome.PASSED:
            if not self._same_as_anchor(image, face):
                return self._finish(failed(Failure.FACE_CHANGED))
            events.append(Progress(Step.HOLD_STILL, "", _STEP_MESSAGES[Step.HOLD_STILL]))
        return events

    def _confirm(
        self, image: Image, face: Face, issue: Issue | None, events: list[Progress]
    ) -> list[Progress]:
        """Good frames after the challenge, each encoded: still the anchored face, and how near the card."""
        if issue is not None:
            return self._adjust(issue, events)
        anchor = self._require(self._anchor, "no anchor in the confirm phase")
        encoding = self._encode(image, face)
        if distance(encoding, anchor) > self.policy.continuity_threshold:
            return self._finish(failed(Failure.FACE_CHANGED))
        self.distances.append(distance(encoding, self.reference))
        return events + self._decide()

    def _decide(self) -> list[Progress]:
        k = self.policy.frames_to_decide
        recent = self.distances[-k:]
        if len(recent) < k:
            return []
        if all(d <= self.policy.threshold for d in recent):
            return self._finish(
                Progress(Step.VERIFIED, "", _STEP_MESSAGES[Step.VERIFIED], statistics.median(recent))
            )
        if all(d > self.policy.threshold for d in recent):
            event = failed(Failure.NOT_MATCH)
            return self._finish(Progress(event.step, event.code, event.message, statistics.median(recent)))
        return []

    def _liveness_failure(self) -> Progress:
        live = self._liveness
        why = live.failure if live is not None else None
        mapping = {
            LivenessFailure.TIMEOUT: Failure.LIVENESS_TIMEOUT,
            LivenessFailure.WRONG_DIRECTION: Failure.WRONG_DIRECTION,
            LivenessFailure.FACE_CHANGED: Failure.FACE_CHANGED,
            LivenessFailure.PRESENTATION_ATTACK: Failure.PRESENTATION_ATTACK,
        }
        return failed(mapping[why] if why is not None else Failure.LIVENESS_TIMEOUT)

    def _adjust(self, issue: Issue | None, events: list[Progress]) -> list[Progress]:
        """Tell the member what to change, once per change (a screen keeps showing the last one)."""
        if issue is not None and issue is not self._last_issue:
            events.append(Progress(Step.ADJUST, str(issue), MESSAGES[issue]))
        self._last_issue = issue
        return events

    def close(self) -> None:
        """The member's session is over: forget the face. Never blocks: with a frame in flight (on a
        worker), that frame stops at its next step and wipes on its way out; else the wipe is now."""
        self._closed = True
        self._wipe_when_free()

    def wipe(self) -> None:
        """Forget this member's face (the same as :meth:`close`: a wiped verifier cannot go on)."""
        self.close()

    def _wipe_when_free(self) -> None:
        # Whoever gets the lock after _closed is set wipes: close() when no frame is in flight, else the
        # frame's own process() once it lets the lock go (it checks _closed after releasing it).
        if self._lock.acquire(blocking=False):
            try:
                self._wipe_now()
            finally:
                self._lock.release()

    def _wipe_now(self) -> None:
        """Zero and drop every encoding held."""
        for array in (self.reference, self._anchor):
            if array is not None:
                np.asarray(array).fill(0.0)
        self._anchor = None
        self.anchor_distance = None
        self.distances.clear()
