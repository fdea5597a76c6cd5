"""The demo's cooperative member passes the real verifier with every liveness challenge (the frames the
camera simulator makes from one frontal photo, as the verifier sees them frame by frame)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.idcard.simulator import demo_cards
from kiosk.demo_face import FACES, CooperativeCamera, MemberFaces, demo_photos, member_faces
from kiosk.identity.compare import encode_photo
from kiosk.identity.engine import FaceEngine
from kiosk.identity.liveness import Challenge
from kiosk.identity.verifier import FaceVerifier, Step

LIN = "371302198806120029"


@pytest.fixture(scope="module")
def engine() -> Iterator[FaceEngine]:
    engine = FaceEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def faces(engine: FaceEngine) -> dict[str, MemberFaces | None]:
    return {id_number: member_faces(engine, names) for id_number, names in demo_photos().items()}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("challenge", list(Challenge))
@pytest.mark.parametrize("id_number", sorted(demo_cards()))
def test_every_member_does_what_the_prompt_asks(
    engine: FaceEngine, faces: dict[str, MemberFaces | None], id_number: str, challenge: Challenge
) -> None:
    clock = Clock()
    camera = CooperativeCamera(engine, fps=1000.0, clock=clock, prepared=faces)  # made once per module
    reference, _ = encode_photo(engine, FACES / demo_photos()[id_number][-1])  # the photo at the center
    verifier = FaceVerifier(engine, reference, challenge=challenge)
    camera.open()
    camera.show(id_number)
    steps: list[str] = []
    for _ in range(120):  # 12 s of frames at 10 per second
        clock.now += 0.1
        frame = camera.read()
        assert frame is not None
        for event in verifier.process(frame, clock.now):
            steps.append(str(event.step))
            if event.step is Step.CHALLENGE:
                camera.perform(event.code)
            elif event.step is Step.HOLD_STILL:
                camera.perform(None)  # the prompt has gone
        if verifier.done:
            break
    assert verifier.result is not None
    assert verifier.result.step is Step.VERIFIED, steps
    assert steps.index("challenge") < steps.index("hold_still")


def test_nobody_in_front_of_the_camera_until_a_card_is_placed(engine: FaceEngine) -> None:
    camera = CooperativeCamera(engine, fps=1000.0)
    camera.open()
    assert engine.detect(camera.read()) == []  # type: ignore[arg-type]
    camera.show(LIN)
    assert len(engine.detect(camera.read())) == 1  # type: ignore[arg-type]
    camera.show(None)
    assert engine.detect(camera.read()) == []  # type: ignore[arg-type]


def test_every_demo_member_has_a_usable_face(faces: dict[str, MemberFaces | None]) -> None:
    assert set(faces) == set(demo_cards())
    for id_number, member in faces.items():
        assert member is not None, id_number
