"""The match threshold, calibrated on the fixture photos (see :mod:`kiosk.identity.calibration`).

``face_recognition`` suggests 0.6. Over every pair of the 15 single-person fixture photos (face_recognition
1.3.0 models on dlib 20, largest face, HOG with one upsampling on a copy of at most 480 px, 5-point
alignment on the full-resolution photo), the same person lies at 0.24-0.43 (14 pairs) and different
people at 0.69 and above (77 pairs). A withdrawal rides on this decision, and a false accept costs far
more than a false reject (the member can retry, or go to the counter), so the rule in
:func:`~kiosk.identity.calibration.choose_threshold` puts the threshold a quarter of the way from the
worst genuine pair (0.430) to the nearest impostor pair (0.691), rounded down to 0.01: 0.49. That is
no error on the fixtures, 0.20 below the nearest impostor, 0.11 stricter than the library default.
A test recomputes it from the photos, and ``make bench`` reports it with the error counts.

Fifteen photos of six people are a small sample: recalibrate with the center's own reference photos
(``kiosk-provision face-verify --pairs FILE --json``) before production.
"""

from __future__ import annotations

MATCH_THRESHOLD = 0.49
LIBRARY_DEFAULT = 0.6
