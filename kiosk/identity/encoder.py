"""128-d face encodings from aligned 150×150 face chips, in this process or in a helper process.

dlib's ResNet holds the GIL for the whole ~150 ms of an encoding (the prebuilt ``dlib-bin`` wheel has
no BLAS), which would stall the camera's grabber and the UI. :class:`ProcessEncoder` runs it in one
spawned helper process that loads only that model; only the chip goes across (67 kB), in memory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from drivers.lifetime import exit_when_orphaned

Encoding = npt.NDArray[np.float64]
Chip = npt.NDArray[np.uint8]

log = logging.getLogger(__name__)

_model: Any = None


def _load() -> Any:
    global _model  # noqa: PLW0603 - one model per process, loaded once
    if _model is None:
        import dlib  # noqa: PLC0415 - the helper process imports dlib only when it starts
        import face_recognition_models  # noqa: PLC0415

        _model = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())
    return _model


def _start_helper() -> None:
    """The helper process's start: it ends with the kiosk (even a killed one), then loads the model.

    Ctrl+C in a terminal interrupts the whole process group: the helper leaves it to the kiosk, which
    stops the pool (else each helper printed a KeyboardInterrupt traceback over the kiosk's goodbye)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_when_orphaned()
    _load()


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


class EncoderError(RuntimeError):
    """No encoding could be computed (the session reports ``failed(internal_error)``)."""


class EncoderTimeout(EncoderError):
    """The helper process did not answer in time; it is replaced before the next encoding."""


class EncoderUnavailable(EncoderError):
    """The helper process cannot be (re)started, died again right after a restart, or was closed."""


class ProcessEncoder:
    """Encodes in one helper process so the kiosk's threads keep running meanwhile.

    A helper that dies (the kernel's OOM killer, a crash inside dlib) breaks its pool for good: the pool
    is then rebuilt once and that encoding retried. One that does not answer within ``timeout_s`` is
    killed (a fresh helper starts with the next encoding) and :class:`EncoderTimeout` is raised.
    """

    def __init__(self, timeout_s: float = 5.0, start_timeout_s: float = 120.0) -> None:
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s  # spawning Python and loading the model, on a busy kiosk
        self.restarts = 0
        self._lock = threading.Lock()
        self._closed = False
        self._pool: ProcessPoolExecutor | None = None
        self._current()  # start it now, not on the member's first frame

    def encode(self, chip: Chip) -> Encoding:
        try:
            return self._encode(chip)
        except BrokenProcessPool as exc:
            log.warning("face encoder helper died (%s): starting a new one", exc)
        try:
            return self._encode(chip)
        except BrokenProcessPool as exc:
            raise EncoderUnavailable("the face encoder helper died again right after a restart") from exc

    def helper_pid(self) -> int:
        """The helper process's id (for the health view, and for tests that kill it)."""
        pid: int = self._call(os.getpid)
        return pid

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _encode(self, chip: Chip) -> Encoding:
        encoding: Encoding = self._call(encode_chip, chip)
        return encoding

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        pool = self._current()
        try:
            future = pool.submit(fn, *args)  # raises BrokenProcessPool once the pool knows its helper died
            return future.result(timeout=self.timeout_s)
        except BrokenProcessPool:
            self._discard(pool)
            raise
        except FuturesTimeout as exc:
            self._discard(pool)  # stuck: kill it, so the next encoding gets a fresh helper
            raise EncoderTimeout(
                f"the face encoder helper gave no answer within {self.timeout_s:g} s"
            ) from exc

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise EncoderUnavailable("the face encoder is closed")
            if self._pool is None:
                self._pool = self._start()
            return self._pool

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_start_helper)
        try:
            pool.submit(_ready).result(timeout=self.start_timeout_s)
        except (BrokenProcessPool, FuturesTimeout) as exc:
            _stop(pool)
            raise EncoderUnavailable(f"the face encoder helper did not start: {exc!r}") from exc
        return pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Forget a broken or stuck pool (once, whichever thread sees it first) and end its helper."""
        with self._lock:
            if self._pool is not pool:
                return
            self._pool = None
            self.restarts += 1
        _stop(pool)

    def __enter__(self) -> ProcessEncoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop(pool: ProcessPoolExecutor) -> None:
    """End a pool whose helper is dead or stuck: kill the helper (the pool has no public way to), then
    shut the pool down."""
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError):  # already gone
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)
