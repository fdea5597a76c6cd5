"""128-d face encodings from aligned 150×150 face chips, in this process or in a helper process.

dlib's ResNet holds the GIL for the whole ~150 ms of an encoding (the prebuilt ``dlib-bin`` wheel has
no BLAS), which would stall the camera's grabber and the UI. :class:`ProcessEncoder` runs it in one
spawned helper process that loads only that model; only the chip goes across (67 kB), in memory.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Encoding = npt.NDArray[np.float64]
Chip = npt.NDArray[np.uint8]

_model: Any = None


def _load() -> Any:
    global _model  # noqa: PLW0603 - one model per process, loaded once
    if _model is None:
        import dlib  # noqa: PLC0415 - the helper process imports dlib only when it starts
        import face_recognition_models  # noqa: PLC0415

        _model = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())
    return _model


def _ready() -> bool:
    return _load() is not None


def encode_chip(chip: Chip) -> Encoding:
    """The 128-d descriptor of one aligned chip (RGB, 150×150), as dlib's ``compute_face_descriptor``."""
    return np.asarray(_load().compute_face_descriptor(chip), dtype=np.float64)


class Encoder(Protocol):
    def encode(self, chip: Chip) -> Encoding: ...

    def close(self) -> None: ...


class InProcessEncoder:
    """Encodes on the calling thread (CLI, tests, calibration: nothing else needs the GIL)."""

    def __init__(self) -> None:
        _load()

    def encode(self, chip: Chip) -> Encoding:
        return encode_chip(chip)

    def close(self) -> None:
        pass


class ProcessEncoder:
    """Encodes in one helper process so the kiosk's threads keep running meanwhile."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_load)
        self._pool.submit(_ready).result()  # start it now, not on the member's first frame

    def encode(self, chip: Chip) -> Encoding:
        return self._pool.submit(encode_chip, chip).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ProcessEncoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
