"""Liveness on synthetic landmark sequences: blink, no blink, smiling eyes, turns, wrong way, face swap."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pytest

from kiosk.identity.engine import Face
from kiosk.identity.liveness import (
    Challenge,
    LivenessChallenge,
    LivenessFailure,
    LivenessPolicy,
    Observation,
    Outcome,
    random_challenge,
)
from kiosk.identity.pose import Points, ear, head_pose, nose_ratio
from tests.kiosk.identity.landmarks import face_model, project

FPS = 10.0  # processed frames per second on the kiosk (detection and landmarks every frame)


@pytest.fixture(scope="module")
def model(photo_faces: Callable[[str], list[Face]]) -> Points:
    return face_model(photo_faces("alex_lacamoire_1.jpg")[0].landmarks)


def run(
    challenge: LivenessChallenge, frames: Iterable[Points], track: Iterable[int] | None = None
) -> Outcome:
    tracks = list(track) if track is not None else None
    for i, landmarks in enumerate(frames):
        tid = tracks[i] if tracks is not None else 1
        outcome = challenge.observe(Observation(i / FPS, tid, landmarks, (640, 480)))
        if outcome is not Outcome.PENDING:
            return outcome
    return challenge.outcome


def jitter(points: Points, i: int) -> Points:
    """Landmark noise of about a pixel, as dlib gives on a still face."""
    return points + np.random.default_rng(i).normal(0, 0.6, points.shape)


@pytest.mark.parametrize("yaw", [-30.0, 30.0])
def test_pose_sign_follows_the_members_own_left(model: Points, yaw: float) -> None:
    pose = head_pose(project(model, yaw), (640, 480))
    assert np.sign(pose.yaw) == np.sign(yaw)
    assert abs(pose.yaw) > 20
    assert (nose_ratio(project(model, yaw)) > 0.5) == (yaw > 0)


def test_frontal_pose_is_near_zero(model: Points) -> None:
    pose = head_pose(project(model, 0.0), (640, 480))
    assert abs(pose.yaw) < 5
    assert abs(pose.roll) < 5


def test_eye_aspect_ratio_falls_as_the_eyes_close(model: Points) -> None:
    values = [ear(project(model, eyes_open=o)) for o in (1.0, 0.6, 0.2)]
    assert values == sorted(values, reverse=True)
    assert values[2] < 0.35 * values[0]


def blink_sequence(model: Points, open_level: float = 1.0) -> list[Points]:
    openness = [1.0] * 6 + [0.5, 0.15, 0.5] + [1.0] * 4
    return [jitter(project(model, eyes_open=o * open_level), i) for i, o in enumerate(openness)]


def test_blink_passes(model: Points) -> None:
    assert run(LivenessChallenge(Challenge.BLINK), blink_sequence(model)) is Outcome.PASSED


def test_no_blink_times_out(model: Points) -> None:
    challenge = LivenessChallenge(Challenge.BLINK, LivenessPolicy(time_limit_s=3.0))
    frames = [jitter(project(model), i) for i in range(40)]
    assert run(challenge, frames) is Outcome.FAILED
    assert challenge.failure is LivenessFailure.TIMEOUT


def test_smiling_narrow_eyes_are_judged_against_their_own_level(model: Points) -> None:
    """Smiling eyes sit near EAR 0.15: a fixed 0.2 threshold would call every frame a blink."""
    narrow = [jitter(project(model, eyes_open=0.55), i) for i in range(40)]
    assert ear(narrow[0]) < 0.2
    challenge = LivenessChallenge(Challenge.BLINK, LivenessPolicy(time_limit_s=3.0))
    assert run(challenge, narrow) is Outcome.FAILED  # open narrow eyes are not a blink
    assert run(LivenessChallenge(Challenge.BLINK), blink_sequence(model, open_level=0.55)) is Outcome.PASSED


def turn_sequence(model: Points, to: float) -> list[Points]:
    yaws = [0.0] * 4 + [to * f for f in (0.2, 0.4, 0.7, 1.0, 1.0)] + [0.0] * 3
    return [jitter(project(model, y), i) for i, y in enumerate(yaws)]


@pytest.mark.parametrize(("kind", "to"), [(Challenge.TURN_LEFT, 30.0), (Challenge.TURN_RIGHT, -30.0)])
def test_turn_passes(model: Points, kind: Challenge, to: float) -> None:
    assert run(LivenessChallenge(kind), turn_sequence(model, to)) is Outcome.PASSED


@pytest.mark.parametrize(("kind", "to"), [(Challenge.TURN_LEFT, -30.0), (Challenge.TURN_RIGHT, 30.0)])
def test_turn_the_wrong_way_fails_at_the_time_limit(model: Points, kind: Challenge, to: float) -> None:
    challenge = LivenessChallenge(kind, LivenessPolicy(time_limit_s=2.0))
    frames = turn_sequence(model, to) + [jitter(project(model), 100 + i) for i in range(20)]
    assert run(challenge, frames) is Outcome.FAILED
    assert challenge.failure is LivenessFailure.WRONG_DIRECTION


@pytest.mark.parametrize("kind", [Challenge.TURN_LEFT, Challenge.TURN_RIGHT])
def test_a_printed_photo_swivelled_is_not_a_head_turn(model: Points, kind: Challenge) -> None:
    """A flat picture turned about its vertical axis: the nose stays between the eye corners."""
    flat = model.copy()
    flat[:, 2] = 0.0
    challenge = LivenessChallenge(kind, LivenessPolicy(time_limit_s=2.0))
    yaws = [0.0] * 4 + [10.0, 25.0, 40.0, 40.0, 25.0, 10.0, -10.0, -25.0, -40.0, -40.0] + [0.0] * 10
    assert run(challenge, [jitter(project(flat, y), i) for i, y in enumerate(yaws)]) is Outcome.FAILED
    assert challenge.failure is LivenessFailure.TIMEOUT


def test_small_head_movements_are_not_a_turn(model: Points) -> None:
    challenge = LivenessChallenge(Challenge.TURN_LEFT, LivenessPolicy(time_limit_s=3.0))
    frames = [jitter(project(model, 3.0 * np.sin(i / 3)), i) for i in range(40)]
    assert run(challenge, frames) is Outcome.FAILED
    assert challenge.failure is LivenessFailure.TIMEOUT


def test_a_face_swap_mid_challenge_fails(model: Points) -> None:
    """Someone else steps in (a new track) half-way through the turn: the challenge fails at once."""
    challenge = LivenessChallenge(Challenge.TURN_LEFT)
    frames = turn_sequence(model, 30.0)
    tracks = [1] * 5 + [2] * (len(frames) - 5)
    assert run(challenge, frames, tracks) is Outcome.FAILED
    assert challenge.failure is LivenessFailure.FACE_CHANGED


def test_time_passes_without_a_face(model: Points) -> None:
    challenge = LivenessChallenge(Challenge.BLINK, LivenessPolicy(time_limit_s=2.0))
    challenge.observe(Observation(0.0, 1, project(model), (640, 480)))
    assert challenge.expire(1.0) is Outcome.PENDING
    assert challenge.expire(2.5) is Outcome.FAILED
    assert challenge.failure is LivenessFailure.TIMEOUT


def test_challenges_are_drawn_at_random() -> None:
    drawn = {random_challenge() for _ in range(200)}
    assert drawn == set(Challenge)
