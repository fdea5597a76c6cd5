"""The fixture clip played through the camera simulator, as a camera would deliver it.

It is a stage performance, not a kiosk user: the performer is far away (so the member-facing message is
"come closer"), turns his head left and right, and the scene cuts to the audience. It also shows, on
purpose, what active liveness cannot do: a replayed video of someone turning passes a turn challenge.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from drivers.camera.simulator import SimulatedCamera
from kiosk.identity.engine import FaceEngine
from kiosk.identity.liveness import Challenge, LivenessChallenge, Observation, Outcome
from kiosk.identity.quality import Issue, assess
from kiosk.identity.tracking import FaceTracker
from tests.kiosk.identity.conftest import FACES

CLIP = FACES / "clip_lin_manuel_miranda.mp4"
FPS = 29.97


@dataclass(frozen=True)
class Seen:
    index: int
    issue: Issue | None
    observation: Observation | None


@pytest.fixture(scope="module")
def clip(engine: FaceEngine) -> list[Seen]:
    """Every second frame of the clip (a busy verifier drops the others), detected and tracked."""
    sim = SimulatedCamera(CLIP, fps=10_000, noise=False)
    tracker = FaceTracker()
    seen = []
    sim.open()
    try:
        for i in range(220):
            frame = sim.read()
            assert frame is not None
            if i % 2:
                continue
            quality = assess(frame, engine.detect(frame))
            observation = None
            if quality.face is not None:
                t = i / FPS
                track = tracker.update(quality.face.box, t)
                observation = Observation(t, track, quality.face.landmarks, (640, 480))
            seen.append(Seen(i, quality.issue, observation))
    finally:
        sim.close()
    return seen


def test_the_performer_is_one_tracked_face_asked_to_come_closer(clip: list[Seen]) -> None:
    faces = [s for s in clip if s.observation is not None]
    assert len(faces) > 50
    assert {s.observation.track for s in faces if s.observation is not None} == {1}
    assert clip[0].issue is Issue.NO_FACE  # the opening wide shot
    issues = [s.issue for s in faces]
    assert issues.count(Issue.TOO_SMALL) > 0.8 * len(issues)
    assert clip[-1].issue is Issue.NO_FACE  # after the cut to the audience


@pytest.mark.parametrize("kind", [Challenge.TURN_LEFT, Challenge.TURN_RIGHT])
def test_a_replayed_video_of_someone_turning_passes_a_turn_challenge(
    clip: list[Seen], kind: Challenge
) -> None:
    """The documented limit of active liveness: it stops a printed photo, not a replayed video."""
    challenge = LivenessChallenge(kind)
    for seen in clip:
        if seen.observation is not None and challenge.observe(seen.observation) is not Outcome.PENDING:
            break
    assert challenge.outcome is Outcome.PASSED
