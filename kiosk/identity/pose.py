"""Geometry on the 68 landmarks: eye aspect ratio, head pose (``cv2.solvePnP`` with SQPNP), roll.

Pure functions of the landmark array, so liveness and the frontal gate are tested on synthetic
landmark sequences without a camera. Signs are the member's own: positive yaw is a turn to the
member's left (in the unmirrored camera picture the nose moves to the right).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

Points = npt.NDArray[np.float64]

# iBUG 300-W indices: 36-41 the eye on the picture's left (the member's right), 42-47 the other.
RIGHT_EYE = slice(36, 42)
LEFT_EYE = slice(42, 48)
NOSE_TIP, CHIN, EYE_OUTER_R, EYE_OUTER_L, MOUTH_R, MOUTH_L = 30, 8, 36, 45, 48, 54

# A generic head in camera axes (x right, y down, z away from the camera; millimetres ×10), the six
# points commonly used for PnP. Facing the camera, it gives an identity rotation.
MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),  # nose tip
        (0.0, 330.0, 65.0),  # chin
        (-225.0, -170.0, 135.0),  # outer corner of the eye on the picture's left
        (225.0, -170.0, 135.0),  # outer corner of the other eye
        (-150.0, 150.0, 125.0),  # mouth corner, picture's left
        (150.0, 150.0, 125.0),  # mouth corner, picture's right
    ],
    dtype=np.float64,
)
_PNP_INDICES = [NOSE_TIP, CHIN, EYE_OUTER_R, EYE_OUTER_L, MOUTH_R, MOUTH_L]


@dataclass(frozen=True)
class HeadPose:
    yaw: float  # degrees; + is a turn to the member's left
    pitch: float  # degrees; + is chin up
    roll: float  # degrees; the tilt of the line between the eyes


def eye_aspect_ratio(eye: Points) -> float:
    """Soukupová & Čech: (|p2-p6| + |p3-p5|) / (2 |p1-p4|); about 0.3 open, near 0 closed."""
    vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    horizontal = 2.0 * np.linalg.norm(eye[0] - eye[3])
    return float(vertical / horizontal) if horizontal > 0 else 0.0


def ear(landmarks: Points) -> float:
    """Mean eye aspect ratio of both eyes."""
    return (eye_aspect_ratio(landmarks[RIGHT_EYE]) + eye_aspect_ratio(landmarks[LEFT_EYE])) / 2.0


def roll_degrees(landmarks: Points) -> float:
    dx, dy = landmarks[EYE_OUTER_L] - landmarks[EYE_OUTER_R]
    return math.degrees(math.atan2(dy, dx))


def nose_ratio(landmarks: Points) -> float:
    """Where the nose tip sits between the outer eye corners: 0.5 frontal, > 0.5 turned to the left."""
    left, right = landmarks[EYE_OUTER_R][0], landmarks[EYE_OUTER_L][0]
    return float((landmarks[NOSE_TIP][0] - left) / (right - left)) if right != left else 0.5


def head_pose(landmarks: Points, frame_size: tuple[int, int]) -> HeadPose:
    """Head pose from six landmarks with ``cv2.solvePnP(..., SOLVEPNP_SQPNP)`` (no flips, no drift).

    The camera is modelled as a pinhole with the focal length equal to the frame width and the
    principal point at the centre; ``frame_size`` is (width, height).
    """
    width, height = frame_size
    camera = np.array([[width, 0, width / 2], [0, width, height / 2], [0, 0, 1]], dtype=np.float64)
    image_points = np.ascontiguousarray(landmarks[_PNP_INDICES], dtype=np.float64)
    ok, rvec, _ = cv2.solvePnP(MODEL_POINTS, image_points, camera, np.zeros(4), flags=cv2.SOLVEPNP_SQPNP)
    if not ok:
        return HeadPose(yaw=0.0, pitch=0.0, roll=roll_degrees(landmarks))
    rotation, _ = cv2.Rodrigues(rvec)
    angles = cv2.RQDecomp3x3(rotation)[0]
    pitch, yaw = float(angles[0]), float(angles[1])
    return HeadPose(yaw=-yaw, pitch=pitch, roll=roll_degrees(landmarks))
