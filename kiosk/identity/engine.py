"""Faces in a frame: HOG detection on a downscaled copy, 68 landmarks and the aligned chip at full size.

The models are the ones ``face_recognition`` uses (its ``face_recognition_models`` files) and the calls
are the ones it makes: ``face_locations`` is dlib's HOG detector, ``face_landmarks`` the 68- and 5-point
shape predictors, ``face_encodings`` an aligned chip through dlib's ResNet. They are loaded here
directly because importing ``face_recognition.api`` also loads its CNN detector and a second ResNet
into the kiosk process (about 40 MB for nothing; the ResNet lives in the encoder's helper process).

Detection runs on a copy whose longer side is at most ``DetectorSettings.max_side`` (the HOG pass is
what costs); boxes are scaled back, and landmarks and the chip for the encoding are taken from the
full-resolution frame. Nothing here touches the disk.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import dlib
import face_recognition_models
import numpy as np
import numpy.typing as npt

from kiosk.identity.encoder import Chip, Encoder, Encoding, InProcessEncoder

Image = npt.NDArray[np.uint8]
Points = npt.NDArray[np.float64]


class FaceInputError(ValueError):
    """An image cannot be used: missing, unreadable, or no face in it. The message is one line."""


@dataclass(frozen=True)
class Box:
    """A face box in full-resolution pixels; it may reach past the frame edge (a partial face)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return max(0, self.width) * max(0, self.height)

    def iou(self, other: Box) -> float:
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        inter = max(0, w) * max(0, h)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class Face:
    box: Box
    landmarks: Points  # (68, 2) in full-resolution pixels, dlib's iBUG 300-W order


@dataclass(frozen=True)
class DetectorSettings:
    max_side: int = 480  # the longer side of the copy the HOG detector sees
    upsample: int = 0  # dlib pyramid upsampling on that copy (1 finds faces half the size, 4x slower)


# Camera frames (640x480): faces from ~110 px wide, about 25 ms. Photos (CLI, calibration): any size.
CAMERA_DETECTOR = DetectorSettings(max_side=480, upsample=0)
PHOTO_DETECTOR = DetectorSettings(max_side=480, upsample=1)


def read_image(path: Path) -> Image:
    """Decode a photo to BGR, with one-line errors for a missing or unreadable file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FaceInputError(f"{path}: no such file") from None
    except OSError as exc:
        raise FaceInputError(f"{path}: cannot read ({exc.strerror})") from None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise FaceInputError(f"{path}: not a readable image")
    return np.asarray(image, dtype=np.uint8)


class _Models:
    """dlib's HOG detector and shape predictors, loaded once per process on first use."""

    _lock = threading.Lock()
    _loaded: tuple[Any, Any, Any] | None = None

    @classmethod
    def get(cls) -> tuple[Any, Any, Any]:
        with cls._lock:
            if cls._loaded is None:
                cls._loaded = (
                    dlib.get_frontal_face_detector(),
                    dlib.shape_predictor(face_recognition_models.pose_predictor_model_location()),
                    dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location()),
                )
            return cls._loaded


def _points(shape: Any) -> Points:
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


class FaceEngine:
    """Detection, landmarks and encodings; share one per process (the models are large)."""

    def __init__(self, encoder: Encoder | None = None) -> None:
        self._detector, self._landmarks68, self._landmarks5 = _Models.get()
        self.encoder: Encoder = encoder if encoder is not None else InProcessEncoder()

    def detect(self, image: Image, settings: DetectorSettings = CAMERA_DETECTOR) -> list[Face]:
        """Every face, largest first, with its 68 landmarks."""
        h, w = image.shape[:2]
        scale = min(1.0, settings.max_side / max(h, w))
        small = (
            image
            if scale == 1.0
            else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        rects = self._detector(cv2.cvtColor(small, cv2.COLOR_BGR2RGB), settings.upsample)
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        faces = []
        for r in rects:
            box = Box(*(round(v / scale) for v in (r.left(), r.top(), r.right(), r.bottom())))
            rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
            faces.append(Face(box, _points(self._landmarks68(rgb, rect))))
        return sorted(faces, key=lambda f: f.box.area, reverse=True)

    def chip(self, image: Image, face: Face) -> Chip:
        """The aligned 150×150 RGB chip the encoder wants, cut from the full-resolution frame."""
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        b = face.box
        shape = self._landmarks5(rgb, dlib.rectangle(b.left, b.top, b.right, b.bottom))
        return np.asarray(dlib.get_face_chip(rgb, shape, size=150, padding=0.25), dtype=np.uint8)

    def encode(self, image: Image, face: Face) -> Encoding:
        return self.encoder.encode(self.chip(image, face))

    def close(self) -> None:
        self.encoder.close()


def distance(a: Encoding, b: Encoding) -> float:
    """Euclidean distance between two 128-d encodings (``face_recognition.face_distance``)."""
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)))
