"""Real fixture photos, detected and encoded once per test session (dlib on two cores is slow)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import PHOTO_DETECTOR, Face, FaceEngine, Image, read_image

FACES = Path(__file__).resolve().parents[2] / "fixtures" / "faces"


@pytest.fixture(scope="session")
def engine() -> Iterator[FaceEngine]:
    engine = FaceEngine()
    yield engine
    engine.close()


@cache
def photo(name: str) -> Image:
    return read_image(FACES / name)


@pytest.fixture(scope="session")
def photo_faces(engine: FaceEngine) -> Callable[[str], list[Face]]:
    @cache
    def faces(name: str) -> list[Face]:
        return engine.detect(photo(name), PHOTO_DETECTOR)

    return faces


@pytest.fixture(scope="session")
def encoding_of(engine: FaceEngine, photo_faces: Callable[[str], list[Face]]) -> Callable[[str], Encoding]:
    @cache
    def encoding(name: str) -> Encoding:
        return engine.encode(photo(name), photo_faces(name)[0])

    return encoding


@pytest.fixture(scope="session")
def camera_view(photo_faces: Callable[[str], list[Face]]) -> Callable[[str], Image]:
    """A 640x480 'camera frame' of a photo: the face centred and 170 px wide, like a member at the kiosk.

    Photos of one person then line up frame after frame, so a sequence of them (frontal, turned,
    frontal) is one tracked face, as a member turning the head in front of the camera would be.
    """

    @cache
    def view(name: str) -> Image:
        box = photo_faces(name)[0].box
        scale = 170 / box.width
        cx, cy = (box.left + box.right) / 2 * scale, (box.top + box.bottom) / 2 * scale
        shift = np.array([[scale, 0, 320 - cx], [0, scale, 250 - cy]], dtype=np.float64)
        frame = cv2.warpAffine(photo(name), shift, (640, 480), flags=cv2.INTER_AREA, borderValue=(90, 90, 90))
        return np.asarray(frame, dtype=np.uint8)

    return view
