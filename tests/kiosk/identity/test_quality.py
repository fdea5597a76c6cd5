"""Quality gates on real fixture photos: each failure gives its code and its calm message."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from kiosk.identity.engine import Face, FaceEngine, Image
from kiosk.identity.quality import MESSAGES, Issue, assess
from tests.kiosk.identity.conftest import photo


def check(engine: FaceEngine, frame: Image) -> Issue | None:
    return assess(frame, engine.detect(frame)).issue


@pytest.mark.parametrize("name", ["obama_1.jpg", "rose_leslie_2.jpg", "biden_2.jpg", "alex_lacamoire_1.jpg"])
def test_a_good_frame_passes(engine: FaceEngine, camera_view: Callable[[str], Image], name: str) -> None:
    assessment = assess(camera_view(name), engine.detect(camera_view(name)))
    assert assessment.ok, assessment.issue
    assert assessment.faces == 1
    assert assessment.message == ""


@pytest.mark.parametrize("name", ["two_people_kit_rose.jpg", "two_people_obama_biden.jpg"])
def test_group_photos_ask_for_one_person(photo_faces: Callable[[str], list[Face]], name: str) -> None:
    assessment = assess(photo(name), photo_faces(name))
    assert assessment.issue is Issue.SEVERAL_FACES
    assert assessment.faces >= 2
    assert assessment.message == "请确认镜头前只有您一人"


def test_a_partial_face_asks_to_come_into_the_picture(photo_faces: Callable[[str], list[Face]]) -> None:
    assessment = assess(photo("obama_partial_face.jpg"), photo_faces("obama_partial_face.jpg"))
    assert assessment.issue is Issue.PARTIAL_FACE
    assert assessment.message == MESSAGES[Issue.PARTIAL_FACE]


def test_a_bystander_far_behind_is_ignored(engine: FaceEngine, camera_view: Callable[[str], Image]) -> None:
    frame = camera_view("obama_1.jpg").copy()
    small = cv2.resize(camera_view("biden_2.jpg"), None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA)
    frame[0 : small.shape[0], 640 - small.shape[1] : 640] = small  # someone far behind, in a corner
    faces = engine.detect(frame)
    assessment = assess(frame, faces)
    assert assessment.face is not None
    assert assessment.face is faces[0]
    assert assessment.issue is not Issue.SEVERAL_FACES


def test_no_face(engine: FaceEngine) -> None:
    assert check(engine, np.full((480, 640, 3), 120, np.uint8)) is Issue.NO_FACE


def test_too_small(engine: FaceEngine, camera_view: Callable[[str], Image]) -> None:
    frame = np.full((480, 640, 3), 90, np.uint8)
    frame[120:360, 160:480] = cv2.resize(camera_view("obama_1.jpg"), (320, 240), interpolation=cv2.INTER_AREA)
    assert check(engine, frame) is Issue.TOO_SMALL


def test_a_turned_face_is_not_frontal(engine: FaceEngine, camera_view: Callable[[str], Image]) -> None:
    assert check(engine, camera_view("kit_harington_2.jpg")) is Issue.NOT_FRONTAL


def test_blur(engine: FaceEngine, camera_view: Callable[[str], Image]) -> None:
    blurred = cv2.GaussianBlur(camera_view("obama_1.jpg"), (0, 0), 3)
    assert check(engine, blurred) is Issue.BLURRY


def test_dark_and_bright(engine: FaceEngine, camera_view: Callable[[str], Image]) -> None:
    frame = camera_view("rose_leslie_2.jpg")
    dark = cv2.convertScaleAbs(frame, alpha=0.3)
    assert check(engine, dark) is Issue.TOO_DARK
    bright = cv2.convertScaleAbs(frame, alpha=1.0, beta=130)
    assert check(engine, bright) in {Issue.TOO_BRIGHT, Issue.NO_FACE}


def test_every_issue_has_a_chinese_message() -> None:
    for issue in Issue:
        assert MESSAGES[issue]
        assert all("\u4e00" <= ch <= "\u9fff" or ch in "，。" for ch in MESSAGES[issue])
