"""Matching on the fixture photos, and the calibration that chose the threshold."""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from kiosk.identity.calibration import all_pairs, choose_threshold, count_errors, fixture_photos, person_of
from kiosk.identity.encoder import (
    EncoderTimeout,
    EncoderUnavailable,
    Encoding,
    InProcessEncoder,
    ProcessEncoder,
)
from kiosk.identity.engine import Face, FaceEngine, distance
from kiosk.identity.thresholds import LIBRARY_DEFAULT, MATCH_THRESHOLD
from tests.kiosk.identity.conftest import FACES, photo

PHOTOS = fixture_photos(FACES)
PAIRS = list(itertools.combinations(PHOTOS, 2))
SAME = [(a.name, b.name) for a, b in PAIRS if person_of(a) == person_of(b)]
DIFFERENT = [(a.name, b.name) for a, b in PAIRS if person_of(a) != person_of(b)]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_same_person_matches(encoding_of: Callable[[str], Encoding], a: str, b: str) -> None:
    assert distance(encoding_of(a), encoding_of(b)) <= MATCH_THRESHOLD


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_people_do_not_match(encoding_of: Callable[[str], Encoding], a: str, b: str) -> None:
    assert distance(encoding_of(a), encoding_of(b)) > MATCH_THRESHOLD


def test_the_threshold_is_the_calibrated_one_and_stricter_than_the_library(
    encoding_of: Callable[[str], Encoding],
) -> None:
    pairs = all_pairs({p: encoding_of(p.name) for p in PHOTOS})
    same = [p.distance for p in pairs if p.same]
    different = [p.distance for p in pairs if not p.same]
    assert choose_threshold(same, different) == MATCH_THRESHOLD
    assert MATCH_THRESHOLD < LIBRARY_DEFAULT
    errors = count_errors(pairs, MATCH_THRESHOLD)
    assert (errors.false_accepts, errors.false_rejects) == (0, 0)
    assert errors.genuine_pairs == len(SAME)


@pytest.mark.parametrize(
    ("same", "different", "expected"),
    [([0.30, 0.44], [0.70, 0.90], 0.50), ([0.30, 0.40], [0.90], 0.52), ([0.30, 0.65], [0.60, 0.9], 0.59)],
)
def test_choose_threshold(same: list[float], different: list[float], expected: float) -> None:
    assert choose_threshold(same, different) == pytest.approx(expected)


def test_person_names() -> None:
    assert person_of(Path("obama_partial_face.jpg")) == "obama"
    assert person_of(Path("lin_manuel_miranda_1.png")) == "lin_manuel_miranda"
    assert all(not p.name.startswith("two_people") for p in PHOTOS)


def test_the_encoder_process_gives_the_same_encoding(
    engine: FaceEngine, photo_faces: Callable[[str], list[Face]]
) -> None:
    chip = engine.chip(photo("obama_1.jpg"), photo_faces("obama_1.jpg")[0])
    here = InProcessEncoder().encode(chip)
    with ProcessEncoder() as encoder:
        there = encoder.encode(chip)
    assert np.allclose(here, there)


def test_a_killed_encoder_helper_is_replaced_and_the_encoding_retried(
    engine: FaceEngine, photo_faces: Callable[[str], list[Face]]
) -> None:
    chip = engine.chip(photo("obama_1.jpg"), photo_faces("obama_1.jpg")[0])
    with ProcessEncoder() as encoder:
        first = encoder.encode(chip)
        helper = encoder.helper_pid()
        os.kill(helper, signal.SIGKILL)  # the OOM killer, or dlib crashing
        again = encoder.encode(chip)  # not BrokenProcessPool forever after
        assert np.allclose(first, again)
        assert encoder.helper_pid() != helper
        assert encoder.restarts == 1
        assert np.allclose(encoder.encode(chip), first)  # and it stays healthy


def test_an_encoder_helper_that_does_not_answer_times_out_and_is_replaced(
    engine: FaceEngine, photo_faces: Callable[[str], list[Face]]
) -> None:
    chip = engine.chip(photo("obama_1.jpg"), photo_faces("obama_1.jpg")[0])
    with ProcessEncoder(timeout_s=1.0) as encoder:
        helper = encoder.helper_pid()
        os.kill(helper, signal.SIGSTOP)  # stuck: alive, but never answers
        with pytest.raises(EncoderTimeout, match="within 1 s"):
            encoder.encode(chip)
        encoder.timeout_s = 60.0  # the next frame, on a fresh helper (the stuck one was killed)
        assert np.allclose(encoder.encode(chip), InProcessEncoder().encode(chip))
        assert encoder.helper_pid() != helper
    with pytest.raises(EncoderUnavailable, match="closed"):
        encoder.encode(chip)
