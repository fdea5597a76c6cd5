"""Calibrate the distance threshold: every pair of fixture photos, same person or not, and the counts.

Photos are named ``person_N.ext`` (``obama_partial_face.jpg`` is Obama too); photos of two people are
left out, since a pair needs one face on each side.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import distance

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})


def person_of(path: Path) -> str:
    """``obama_3.jpg`` -> ``obama``; ``obama_partial_face.jpg`` -> ``obama``."""
    stem = path.stem.removesuffix("_partial_face")
    return re.sub(r"_\d+$", "", stem)


def fixture_photos(folder: Path) -> list[Path]:
    photos = (p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
    return sorted(p for p in photos if not p.name.startswith("two_people"))


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    distance: float


def all_pairs(encodings: Mapping[Path, Encoding]) -> list[Pair]:
    return [
        Pair(a.name, b.name, person_of(a) == person_of(b), distance(encodings[a], encodings[b]))
        for a, b in itertools.combinations(sorted(encodings), 2)
    ]


def choose_threshold(
    same: Iterable[float], different: Iterable[float], toward_impostors: float = 0.25
) -> float:
    """A quarter of the way from the worst genuine distance to the nearest impostor, rounded down to 0.01.

    Errors cost unequally here (a false accept pays out someone else's money), so the threshold sits
    nearer the genuine pairs than the midpoint. If the two groups overlap, the rule returns the nearest
    impostor distance minus 0.01: no fixture impostor is accepted, and the false rejects are counted.
    """
    worst_same, nearest_other = max(same), min(different)
    if worst_same >= nearest_other:
        return _down(nearest_other - 0.01)
    return _down(worst_same + toward_impostors * (nearest_other - worst_same))


def _down(value: float) -> float:
    return math.floor(value * 100 + 1e-9) / 100


@dataclass(frozen=True)
class Errors:
    false_accepts: int
    false_rejects: int
    impostor_pairs: int
    genuine_pairs: int


def count_errors(pairs: Iterable[Pair], threshold: float) -> Errors:
    pairs = list(pairs)
    return Errors(
        false_accepts=sum(1 for p in pairs if not p.same and p.distance <= threshold),
        false_rejects=sum(1 for p in pairs if p.same and p.distance > threshold),
        impostor_pairs=sum(1 for p in pairs if not p.same),
        genuine_pairs=sum(1 for p in pairs if p.same),
    )
