"""Face verification on 640x480 frames: time per frame, the preview rate meanwhile, the threshold, memory.

Run by ``make bench`` in a fresh interpreter (``python -m bench.face`` prints one JSON object), so the
peak memory is this work's own: the kiosk-side process, and the encoder helper process separately.

- Time per verification frame: whole verifications (frontal, turned left, frontal again: the photos of
  one person lined up like a member in front of the camera) run frame by frame through
  :class:`~kiosk.identity.verifier.FaceVerifier` with the encoder in its helper process; the median and
  p95 over every frame, and apart: frames that only detect (challenge) and frames that also encode.
- Preview rate: the simulated camera at 30 fps, a UI-like loop taking the newest frame and preparing it
  for a texture (mirror, RGBA) 60 times a second, while a worker runs the heaviest verification step
  (detect, gates, encode) on the newest frame back to back, dropping frames while busy. Once with the
  encoder in its helper process (as the kiosk runs), once in-process (what the helper avoids).
- Threshold: every pair of the single-person fixture photos, the calibrated threshold, its errors.
"""

from __future__ import annotations

import functools
import json
import os
import queue
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from drivers.camera import Camera
from drivers.camera.simulator import SimulatedCamera
from kiosk.identity.calibration import all_pairs, choose_threshold, count_errors, fixture_photos
from kiosk.identity.compare import encode_photo
from kiosk.identity.encoder import Chip, Encoder, Encoding, InProcessEncoder, ProcessEncoder
from kiosk.identity.engine import PHOTO_DETECTOR, FaceEngine, Image, read_image
from kiosk.identity.liveness import Challenge
from kiosk.identity.quality import assess
from kiosk.identity.thresholds import LIBRARY_DEFAULT, MATCH_THRESHOLD
from kiosk.identity.verifier import FaceVerifier, Step
from kiosk.workers import Workers

FACES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "faces"
TARGET_FRAME_MS = 150.0
TARGET_PREVIEW_FPS = 25.0


@dataclass(frozen=True)
class FaceBench:
    frames: int
    frame_median_ms: float
    frame_p95_ms: float
    detect_median_ms: float
    encode_frame_median_ms: float
    encode_frames: int
    verified_runs: int
    preview_fps_idle: float
    preview_fps_verifying: float
    preview_fps_verifying_in_process: float
    verifications_per_s: float
    threshold: float
    calibrated: float
    genuine_pairs: int
    impostor_pairs: int
    false_accepts: int
    false_rejects: int
    false_accepts_at_default: int
    false_rejects_at_default: int
    worst_genuine: float
    nearest_impostor: float
    peak_rss_mb: float
    encoder_peak_rss_mb: float
    load_before: float  # 1-minute load average: other work on the machine slows every number here
    load_after: float


def centred(engine: FaceEngine, name: str) -> Image:
    """A photo as a 640x480 camera frame, its face centred and 170 px wide."""
    image = read_image(FACES / name)
    box = engine.detect(image, PHOTO_DETECTOR)[0].box
    scale = 170 / box.width
    cx, cy = (box.left + box.right) / 2 * scale, (box.top + box.bottom) / 2 * scale
    m = np.array([[scale, 0, 320 - cx], [0, scale, 250 - cy]], dtype=np.float64)
    return np.asarray(cv2.warpAffine(image, m, (640, 480), flags=cv2.INTER_AREA, borderValue=(90, 90, 90)))


class CountingEncoder:
    """Counts encodings, so each timed frame is known to have encoded or not."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.count = 0

    def encode(self, chip: Chip) -> Encoding:
        self.count += 1
        return self.inner.encode(chip)

    def close(self) -> None:
        self.inner.close()


def frame_times(encoder: Encoder, runs: int = 8) -> tuple[list[float], list[float], list[float], int]:
    counting = CountingEncoder(encoder)
    engine = FaceEngine(counting)
    front, left = centred(engine, "obama_1.jpg"), centred(engine, "obama_3.jpg")
    reference, _ = encode_photo(engine, FACES / "obama_4.jpg")
    rng = np.random.default_rng(1)
    all_ms: list[float] = []
    detect_ms: list[float] = []
    encode_ms: list[float] = []
    verified = 0
    for _ in range(runs):
        verifier = FaceVerifier(engine, reference.copy(), challenge=Challenge.TURN_LEFT)
        sequence = [front] * 8 + [left] * 2 + [front] * 6
        for i, still in enumerate(sequence):
            frame = np.asarray(still + rng.integers(0, 4, still.shape, dtype=np.uint8), dtype=np.uint8)
            encodings_before = counting.count
            started = time.perf_counter()
            events = verifier.process(frame, i / 10)
            ms = (time.perf_counter() - started) * 1000
            all_ms.append(ms)
            encoded = counting.count > encodings_before
            (encode_ms if encoded else detect_ms).append(ms)
            if any(e.step is Step.VERIFIED for e in events):
                verified += 1
            if verifier.done:
                break
    return all_ms, detect_ms, encode_ms, verified


def preview_fps(engine: FaceEngine | None, seconds: float = 8.0) -> tuple[float, float]:
    """Distinct camera frames a UI-like loop shows per second, with or without verification running."""
    inbox: queue.Queue[Callable[[], None]] = queue.Queue()
    workers = Workers(inbox.put, max_workers=1)
    busy = threading.Event()
    done = [0]

    def verify(image: Image) -> None:
        assert engine is not None
        faces = engine.detect(image)
        quality = assess(image, faces)
        if quality.face is not None:
            engine.encode(image, quality.face)

    def finished(_: object) -> None:
        busy.clear()
        done[0] += 1

    shown = 0
    last_seq = 0
    sim = SimulatedCamera([FACES / "obama_1.jpg"], fps=30)
    with Camera(sim) as camera:
        camera.wait_frame(0, timeout=5)
        started = time.monotonic()
        while (now := time.monotonic()) - started < seconds:
            frame = camera.latest()
            if engine is not None and frame is not None and not busy.is_set():
                busy.set()
                workers.run(functools.partial(verify, frame.image), finished, finished)
            if frame is not None and frame.seq != last_seq:
                last_seq = frame.seq
                texture = cv2.cvtColor(cv2.flip(frame.image, 1), cv2.COLOR_BGR2RGBA)
                shown += texture.shape[0] > 0
            while not inbox.empty():
                inbox.get_nowait()()
            time.sleep(max(0.0, 1 / 60 - (time.monotonic() - now)))
        elapsed = time.monotonic() - started
    workers.close()
    return shown / elapsed, done[0] / elapsed


def calibration(engine: FaceEngine) -> dict[str, float | int]:
    encodings = {p: encode_photo(engine, p)[0] for p in fixture_photos(FACES)}
    pairs = all_pairs(encodings)
    same = [p.distance for p in pairs if p.same]
    different = [p.distance for p in pairs if not p.same]
    errors = count_errors(pairs, MATCH_THRESHOLD)
    at_default = count_errors(pairs, LIBRARY_DEFAULT)
    return {
        "threshold": MATCH_THRESHOLD,
        "calibrated": choose_threshold(same, different),
        "genuine_pairs": errors.genuine_pairs,
        "impostor_pairs": errors.impostor_pairs,
        "false_accepts": errors.false_accepts,
        "false_rejects": errors.false_rejects,
        "false_accepts_at_default": at_default.false_accepts,
        "false_rejects_at_default": at_default.false_rejects,
        "worst_genuine": max(same),
        "nearest_impostor": min(different),
    }


def p95(values: list[float]) -> float:
    return float(np.percentile(np.asarray(values), 95))


def measure() -> FaceBench:
    load_before = os.getloadavg()[0]
    encoder: Encoder = ProcessEncoder()
    engine = FaceEngine(encoder)
    all_ms, detect_ms, encode_ms, verified = frame_times(encoder)
    idle_fps, _ = preview_fps(None)
    busy_fps, rate = preview_fps(engine)
    in_process = FaceEngine(InProcessEncoder())
    busy_fps_in_process, _ = preview_fps(in_process)
    calib = calibration(in_process)
    engine.close()  # the helper exits: its peak is now in RUSAGE_CHILDREN
    return FaceBench(
        frames=len(all_ms),
        frame_median_ms=statistics.median(all_ms),
        frame_p95_ms=p95(all_ms),
        detect_median_ms=statistics.median(detect_ms),
        encode_frame_median_ms=statistics.median(encode_ms),
        encode_frames=len(encode_ms),
        verified_runs=verified,
        preview_fps_idle=idle_fps,
        preview_fps_verifying=busy_fps,
        preview_fps_verifying_in_process=busy_fps_in_process,
        verifications_per_s=rate,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        encoder_peak_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        load_before=load_before,
        load_after=os.getloadavg()[0],
        **calib,  # type: ignore[arg-type]
    )


def run_isolated() -> FaceBench:
    """Measure in a fresh interpreter, so nothing else counts towards its memory."""
    import subprocess  # noqa: PLC0415

    out = subprocess.run(
        [sys.executable, "-m", "bench.face"], capture_output=True, text=True, check=True, timeout=900
    )
    return FaceBench(**json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    print(json.dumps(asdict(measure())))
