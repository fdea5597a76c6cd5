"""Quality gates for a verification frame: each failure has a machine code and a calm Chinese message.

Order matters: the first failing gate is the one the member is told about (no face, then several
faces, then a face cut off at the edge, too small, not frontal, lighting, sharpness).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from kiosk.identity.engine import Face, Image
from kiosk.identity.pose import HeadPose, head_pose


class Issue(StrEnum):
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    PARTIAL_FACE = "partial_face"
    TOO_SMALL = "too_small"
    NOT_FRONTAL = "not_frontal"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    BLURRY = "blurry"


MESSAGES: dict[Issue, str] = {
    Issue.NO_FACE: "请正对摄像头，让我们看到您的脸",
    Issue.SEVERAL_FACES: "请确认镜头前只有您一人",
    Issue.PARTIAL_FACE: "请把整张脸放在画面中间",
    Issue.TOO_SMALL: "请靠近一些",
    Issue.NOT_FRONTAL: "请正视屏幕，不要侧脸或低头",
    Issue.TOO_DARK: "光线有些暗，请靠近屏幕",
    Issue.TOO_BRIGHT: "光线太强，请避开强光",
    Issue.BLURRY: "请保持不动",
}


@dataclass(frozen=True)
class QualityPolicy:
    others_max_width_ratio: float = 0.6  # another face at most this wide (vs the largest) is a bystander
    min_face_px: int = 100  # face box width in the full frame (the encoder's chip is 150 px)
    max_yaw: float = 25.0
    max_pitch: float = 25.0
    max_roll: float = 20.0
    min_brightness: float = 50.0  # mean grey level of the face, 0-255
    max_brightness: float = 215.0
    min_sharpness: float = 40.0  # variance of the Laplacian on the face scaled to 128 px wide


@dataclass(frozen=True)
class FaceMetrics:
    width: int
    pose: HeadPose
    brightness: float
    sharpness: float


@dataclass(frozen=True)
class Assessment:
    face: Face | None  # the member's face (the largest), when there is one to speak of
    faces: int
    issue: Issue | None
    metrics: FaceMetrics | None = None

    @property
    def ok(self) -> bool:
        return self.issue is None

    @property
    def message(self) -> str:
        return "" if self.issue is None else MESSAGES[self.issue]


def _crop(image: Image, face: Face) -> Image:
    h, w = image.shape[:2]
    b = face.box
    return image[max(0, b.top) : min(h, b.bottom), max(0, b.left) : min(w, b.right)]


def measure(image: Image, face: Face) -> FaceMetrics:
    crop = _crop(image, face)
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.size else np.zeros((1, 1), np.uint8)
    if grey.shape[1] > 1:
        scale = 128 / grey.shape[1]
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    h, w = image.shape[:2]
    return FaceMetrics(
        width=face.box.width,
        pose=head_pose(face.landmarks, (w, h)),
        brightness=float(grey.mean()),
        sharpness=sharpness,
    )


def is_frontal(pose: HeadPose, policy: QualityPolicy) -> bool:
    return (
        abs(pose.yaw) <= policy.max_yaw
        and abs(pose.pitch) <= policy.max_pitch
        and abs(pose.roll) <= policy.max_roll
    )


def is_partial(image: Image, face: Face) -> bool:
    """The face reaches past the frame edge (box or landmarks outside the picture)."""
    h, w = image.shape[:2]
    b = face.box
    if b.left < 0 or b.top < 0 or b.right > w or b.bottom > h:
        return True
    xs, ys = face.landmarks[:, 0], face.landmarks[:, 1]
    return bool(xs.min() < 0 or ys.min() < 0 or xs.max() >= w or ys.max() >= h)


def member_face(faces: list[Face], policy: QualityPolicy) -> Face | None:
    """The largest face, if every other face is far behind it (a bystander); else None."""
    if not faces:
        return None
    largest = max(faces, key=lambda f: f.box.area)
    others = [f for f in faces if f is not largest]
    if any(f.box.width > policy.others_max_width_ratio * largest.box.width for f in others):
        return None
    return largest


def assess(image: Image, faces: list[Face], policy: QualityPolicy = QualityPolicy()) -> Assessment:
    """Run the gates in order; the first failure is the issue."""
    if not faces:
        return Assessment(None, 0, Issue.NO_FACE)
    face = member_face(faces, policy)
    if face is None:
        return Assessment(None, len(faces), Issue.SEVERAL_FACES)
    if is_partial(image, face):
        return Assessment(face, len(faces), Issue.PARTIAL_FACE)
    m = measure(image, face)
    issue: Issue | None = None
    if m.width < policy.min_face_px:
        issue = Issue.TOO_SMALL
    elif (
        abs(m.pose.yaw) > policy.max_yaw
        or abs(m.pose.pitch) > policy.max_pitch
        or abs(m.pose.roll) > policy.max_roll
    ):
        issue = Issue.NOT_FRONTAL
    elif m.brightness < policy.min_brightness:
        issue = Issue.TOO_DARK
    elif m.brightness > policy.max_brightness:
        issue = Issue.TOO_BRIGHT
    elif m.sharpness < policy.min_sharpness:
        issue = Issue.BLURRY
    return Assessment(face, len(faces), issue, m)
