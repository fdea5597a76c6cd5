"""The member's reference face: a 128-d encoding supplied by the back end, or a photo decoded in memory."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import PHOTO_DETECTOR, FaceEngine, FaceInputError, Image

ENCODING_SIZE = 128


def encoding_from_values(values: Sequence[object]) -> Encoding:
    """Validate 128 finite numbers (as the back end sends them, a JSON array) into an encoding."""
    if isinstance(values, str | bytes) or len(values) != ENCODING_SIZE:
        raise FaceInputError(f"a reference encoding has {ENCODING_SIZE} numbers")
    numbers = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise FaceInputError(f"a reference encoding has {ENCODING_SIZE} finite numbers")
        numbers.append(float(value))
    return np.array(numbers, dtype=np.float64)


def encoding_from_photo_bytes(engine: FaceEngine, data: bytes) -> Encoding:
    """Encode the largest face of a photo held in memory (it is never written to disk)."""
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise FaceInputError("the reference photo is not a readable image")
    image: Image = np.asarray(decoded, dtype=np.uint8)
    faces = engine.detect(image, PHOTO_DETECTOR)
    if not faces:
        raise FaceInputError("no face found in the reference photo")
    return engine.encode(image, faces[0])


def read_encoding_file(path: Path) -> Encoding:
    """A ``.json`` file holding a JSON array of 128 numbers (what the back end stores for a member)."""
    try:
        values = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise FaceInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FaceInputError(f"{path}: not a readable encoding ({exc})") from None
    if not isinstance(values, list):
        raise FaceInputError(f"{path}: expected a JSON array of {ENCODING_SIZE} numbers")
    try:
        return encoding_from_values(values)
    except FaceInputError as exc:
        raise FaceInputError(f"{path}: {exc}") from None
