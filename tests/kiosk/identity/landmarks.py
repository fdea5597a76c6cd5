"""Synthetic 68-point landmark sequences: a generic 3D face turned and blinking in front of a camera.

The face is the frontal landmark set of a real fixture photo given a plausible depth (the nose stands
out, the cheeks fall back), rotated and projected with a 640x480 pinhole camera.
"""

from __future__ import annotations

import math

import numpy as np

from kiosk.identity.pose import Points

FOCAL, CX, CY = 640.0, 320.0, 240.0
DISTANCE = 9.0  # in eye-corner distances (~50 cm)


def face_model(frontal: Points) -> Points:
    """Normalise a frontal 68-point set (nose tip at 0, outer eye corners 1 apart) and give it depth."""
    pts = frontal - frontal[30]
    pts = pts / np.linalg.norm(pts[45] - pts[36])
    z = 0.8 * pts[:, 0] ** 2  # the face curves away to the sides
    z[27:36] -= np.array([0.02, 0.05, 0.08, 0.12, 0.02, 0.04, 0.05, 0.04, 0.02])  # the nose stands out
    return np.column_stack([pts, z])


def project(model: Points, yaw_deg: float = 0.0, *, eyes_open: float = 1.0, shift: float = 0.0) -> Points:
    """Landmarks of ``model`` turned by ``yaw_deg`` (+: to the member's left), eyes open by a fraction."""
    pts = model.copy()
    for upper, lower in (((37, 38), (41, 40)), ((43, 44), (47, 46))):
        for u, lo in zip(upper, lower, strict=True):
            mid = (pts[u, 1] + pts[lo, 1]) / 2
            pts[u, 1] = mid + (pts[u, 1] - mid) * eyes_open
            pts[lo, 1] = mid + (pts[lo, 1] - mid) * eyes_open
    a = math.radians(-yaw_deg)  # the member's left is the camera's right
    rot = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    turned = pts @ rot.T
    x, y, z = turned[:, 0] + shift, turned[:, 1], turned[:, 2] + DISTANCE
    scale = FOCAL / 1.0
    return np.column_stack([x / z * scale + CX, y / z * scale + CY])
