"""The reference face: 128 numbers from the back end, or a photo decoded in memory."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import FaceEngine, FaceInputError, distance
from kiosk.identity.reference import encoding_from_photo_bytes, encoding_from_values
from tests.kiosk.identity.conftest import FACES


def test_values_from_the_back_end(encoding_of: Callable[[str], Encoding]) -> None:
    values = [float(v) for v in encoding_of("obama_1.jpg")]
    assert distance(encoding_from_values(values), encoding_of("obama_1.jpg")) == 0.0


@pytest.mark.parametrize(
    "values",
    [
        [0.1] * 127,
        [0.1] * 129,
        [0.1] * 127 + [float("nan")],
        [0.1] * 127 + [True],
        [0.1] * 127 + ["0.1"],
        "x" * 128,
    ],
)
def test_bad_values_are_refused(values: list[object]) -> None:
    with pytest.raises(FaceInputError, match="128"):
        encoding_from_values(values)


def test_a_photo_in_memory(engine: FaceEngine, encoding_of: Callable[[str], Encoding]) -> None:
    data = (FACES / "rose_leslie_1.jpg").read_bytes()
    assert distance(encoding_from_photo_bytes(engine, data), encoding_of("rose_leslie_1.jpg")) < 1e-6


def test_a_photo_without_a_face(engine: FaceEngine) -> None:
    ok, png = cv2.imencode(".png", np.full((120, 160, 3), 128, np.uint8))
    assert ok
    with pytest.raises(FaceInputError, match="no face"):
        encoding_from_photo_bytes(engine, png.tobytes())
    with pytest.raises(FaceInputError, match="not a readable image"):
        encoding_from_photo_bytes(engine, b"not an image")
