"""1:1 comparison of two photos (the technician's ``face-verify`` and calibration use it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.identity.encoder import Encoding
from kiosk.identity.engine import PHOTO_DETECTOR, FaceEngine, FaceInputError, distance, read_image
from kiosk.identity.reference import read_encoding_file
from kiosk.identity.thresholds import MATCH_THRESHOLD


@dataclass(frozen=True)
class Comparison:
    match: bool
    distance: float
    threshold: float
    faces_in_probe: int

    def as_dict(self) -> dict[str, object]:
        return {
            "match": self.match,
            "distance": round(self.distance, 4),
            "threshold": self.threshold,
            "faces_in_probe": self.faces_in_probe,
        }


def encode_photo(engine: FaceEngine, path: Path) -> tuple[Encoding, int]:
    """The encoding of the largest face in a photo, and how many faces it has."""
    image = read_image(path)
    faces = engine.detect(image, PHOTO_DETECTOR)
    if not faces:
        raise FaceInputError(f"{path}: no face found")
    return engine.encode(image, faces[0]), len(faces)


def encode_reference(engine: FaceEngine, path: Path) -> Encoding:
    """A reference is a photo, or a ``.json`` file with the 128 numbers the back end supplies."""
    if path.suffix.lower() == ".json":
        return read_encoding_file(path)
    return encode_photo(engine, path)[0]


def compare_photos(
    engine: FaceEngine, reference: Path, probe: Path, threshold: float = MATCH_THRESHOLD
) -> Comparison:
    ref = encode_reference(engine, reference)
    enc, faces = encode_photo(engine, probe)
    d = distance(ref, enc)
    return Comparison(match=d <= threshold, distance=d, threshold=threshold, faces_in_probe=faces)


def read_pairs(text: str) -> Iterator[tuple[Path, Path] | str]:
    """Lines of ``REFERENCE PROBE`` (blank lines and ``#`` comments skipped); a bad line yields itself."""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        yield (Path(parts[0]), Path(parts[1])) if len(parts) == 2 else line


def compare_pairs(
    engine: FaceEngine, text: str, threshold: float = MATCH_THRESHOLD
) -> Iterator[dict[str, object]]:
    """One result object per pair; a pair that cannot be compared carries ``error`` instead."""
    references: dict[Path, Encoding] = {}
    probes: dict[Path, tuple[Encoding, int]] = {}

    for item in read_pairs(text):
        if isinstance(item, str):
            yield {"reference": item, "probe": None, "error": "expected two paths: REFERENCE PROBE"}
            continue
        reference, probe = item
        try:
            if reference not in references:
                references[reference] = encode_reference(engine, reference)
            if probe not in probes:
                probes[probe] = encode_photo(engine, probe)
            ref, (enc, faces) = references[reference], probes[probe]
        except FaceInputError as exc:
            yield {"reference": str(reference), "probe": str(probe), "error": str(exc)}
            continue
        d = distance(ref, enc)
        result = Comparison(match=d <= threshold, distance=d, threshold=threshold, faces_in_probe=faces)
        yield {"reference": str(reference), "probe": str(probe), **result.as_dict()}
