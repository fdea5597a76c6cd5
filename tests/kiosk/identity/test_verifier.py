"""Whole verifications on real photos lined up as camera frames (frontal, turned, frontal again)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pytest

from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import FaceEngine, Image
from kiosk.identity.liveness import AttackVerdict, Challenge, LivenessPolicy
from kiosk.identity.verifier import FaceVerifier, Failure, Progress, Step, VerifyPolicy

View = Callable[[str], Image]
POLICY = VerifyPolicy(time_limit_s=10.0, liveness=LivenessPolicy(time_limit_s=1.5))


def frames(view: View, *names: str) -> list[Image]:
    """Camera frames with a little sensor noise, so no two are identical."""
    out = []
    for i, name in enumerate(names):
        noise = np.random.default_rng(i).integers(0, 4, (480, 640, 3), dtype=np.uint8)
        out.append(np.asarray(view(name) + noise, dtype=np.uint8))
    return out


def play(verifier: FaceVerifier, images: Iterable[Image], step_s: float = 0.1) -> list[Progress]:
    events: list[Progress] = []
    for i, image in enumerate(images):
        events += verifier.process(image, i * step_s)
        if verifier.done:
            break
    return events


def steps(events: list[Progress]) -> list[str]:
    return [f"{e.step}:{e.code}" if e.code else str(e.step) for e in events]


FRONT, LEFT, RIGHT = "obama_1.jpg", "obama_3.jpg", "obama_2.jpg"  # obama_3 is turned to his left


@pytest.fixture
def obama(encoding_of: Callable[[str], Encoding]) -> Encoding:
    return encoding_of("obama_4.jpg").copy()  # the reference photo the back end holds


def test_the_member_turns_as_asked_and_is_verified(
    engine: FaceEngine, camera_view: View, obama: Encoding
) -> None:
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.TURN_LEFT)
    events = play(verifier, frames(camera_view, *[FRONT] * 5, LEFT, LEFT, *[FRONT] * 4))
    # Still turned on the frame after the challenge passed: asked to face the screen again.
    expected = ["face_found", "challenge:turn_left", "hold_still", "adjust:not_frontal", "verified"]
    assert steps(events) == expected
    assert events[1].message == "请慢慢向左转头"
    assert events[-1].distance is not None
    assert events[-1].distance <= POLICY.threshold
    assert len(verifier.distances) == POLICY.frames_to_decide  # decided on frames after the challenge
    assert verifier.anchor_distance is not None


def test_turning_the_wrong_way_fails(engine: FaceEngine, camera_view: View, obama: Encoding) -> None:
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.TURN_LEFT)
    events = play(verifier, frames(camera_view, *[FRONT] * 5, *[RIGHT] * 3, *[FRONT] * 20))
    assert steps(events)[-1] == "failed:wrong_direction"


def test_a_printed_photo_cannot_blink(engine: FaceEngine, camera_view: View, obama: Encoding) -> None:
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.BLINK)
    events = play(verifier, frames(camera_view, *[FRONT] * 30))
    assert steps(events) == ["face_found", "challenge:blink", "failed:liveness_timeout"]
    assert events[-1].message == "未完成提示的动作，请重新开始"


def test_someone_else_is_not_a_match(
    engine: FaceEngine, camera_view: View, encoding_of: Callable[[str], Encoding]
) -> None:
    verifier = FaceVerifier(engine, encoding_of("biden_2.jpg").copy(), POLICY, challenge=Challenge.TURN_LEFT)
    events = play(verifier, frames(camera_view, *[FRONT] * 5, LEFT, LEFT, *[FRONT] * 4))
    assert steps(events)[-1] == "failed:not_match"
    assert events[-1].distance is not None
    assert events[-1].distance > POLICY.threshold


def test_a_swap_after_the_challenge_is_caught_by_the_encodings(
    engine: FaceEngine, camera_view: View, obama: Encoding
) -> None:
    """Biden steps into exactly the same place after Obama turned: geometry cannot tell, encodings can."""
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.TURN_LEFT)
    events = play(verifier, frames(camera_view, *[FRONT] * 5, LEFT, LEFT, *["biden_2.jpg"] * 4))
    assert steps(events)[-1] == "failed:face_changed"
    assert events[-1].message == "核验过程中更换了人员，请本人重新核验"


def test_a_swap_mid_challenge_is_caught_by_the_tracker(
    engine: FaceEngine, camera_view: View, obama: Encoding
) -> None:
    elsewhere = np.roll(camera_view("biden_2.jpg"), 200, axis=1)  # another person, somewhere else
    images = [*frames(camera_view, *[FRONT] * 4), elsewhere, *frames(camera_view, LEFT, LEFT)]
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.TURN_LEFT)
    assert steps(play(verifier, images))[-1] == "failed:face_changed"


def test_someone_standing_in_for_the_action_is_caught(
    engine: FaceEngine, camera_view: View, obama: Encoding
) -> None:
    """A photo of the member, someone else turning in its place for the action, the photo again."""
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.TURN_RIGHT)
    stand_in = "kit_harington_2.jpg"  # another person, turned to his right, in the same place
    events = play(verifier, frames(camera_view, *[FRONT] * 5, stand_in, *[FRONT] * 4))
    assert steps(events) == ["face_found", "challenge:turn_right", "failed:face_changed"]


def test_the_same_member_is_found_again_after_a_gap(
    engine: FaceEngine, camera_view: View, obama: Encoding
) -> None:
    """The face is lost for longer than the tracker waits (a new track), but it is the same person."""
    empty = np.full((480, 640, 3), 100, np.uint8)
    images = [
        *frames(camera_view, *[FRONT] * 5),
        *[empty] * 12,
        *frames(camera_view, *[FRONT] * 3, LEFT, *[FRONT] * 4),
    ]
    patient = VerifyPolicy(time_limit_s=10.0, liveness=LivenessPolicy(time_limit_s=4.0))
    verifier = FaceVerifier(engine, obama, patient, challenge=Challenge.TURN_LEFT)
    assert steps(play(verifier, images))[-1] == "verified"


def test_quality_messages_are_given_once_per_change(
    engine: FaceEngine, camera_view: View, obama: Encoding
) -> None:
    empty = np.full((480, 640, 3), 100, np.uint8)
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.BLINK)
    events = play(verifier, [empty, empty, empty, *frames(camera_view, FRONT)])
    assert steps(events) == ["adjust:no_face", "face_found", "challenge:blink"]
    assert events[0].message == "请正对摄像头，让我们看到您的脸"


def test_the_session_has_a_time_limit(engine: FaceEngine, obama: Encoding) -> None:
    empty = np.full((480, 640, 3), 100, np.uint8)
    verifier = FaceVerifier(engine, obama, POLICY)
    events = play(verifier, [empty] * 3, step_s=6.0)
    assert steps(events)[-1] == "failed:timeout"


class RejectEverything:
    """A stand-in for an IR or depth presentation-attack detector that sees a screen."""

    def __init__(self) -> None:
        self.boxes: list[tuple[int, int, int, int]] = []

    def check(self, frame: Image, box: tuple[int, int, int, int]) -> AttackVerdict:
        self.boxes.append(box)
        return AttackVerdict(live=False, score=0.02, detail="flat surface")


def test_a_hardware_attack_detector_plugs_in(engine: FaceEngine, camera_view: View, obama: Encoding) -> None:
    detector = RejectEverything()
    verifier = FaceVerifier(engine, obama, POLICY, attack_detector=detector)
    events = play(verifier, frames(camera_view, FRONT))
    assert steps(events) == ["failed:presentation_attack"]
    assert len(detector.boxes) == 1


def test_wipe_forgets_the_face(engine: FaceEngine, camera_view: View, obama: Encoding) -> None:
    verifier = FaceVerifier(engine, obama, POLICY, challenge=Challenge.BLINK)
    play(verifier, frames(camera_view, FRONT, FRONT))
    verifier.wipe()
    assert not obama.any()
    assert verifier.distances == []


def test_failures_all_have_messages() -> None:
    from kiosk.identity.verifier import FAILURE_MESSAGES

    assert set(FAILURE_MESSAGES) == set(Failure)
    assert Step.VERIFIED == "verified"
