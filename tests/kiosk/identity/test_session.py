"""The session on the simulated camera and real workers: off the UI thread, frames dropped while busy,
progress delivered through the UI post, personal data wiped at the end."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from drivers.camera import Camera
from drivers.camera.simulator import SimFaults, SimulatedCamera
from kiosk.identity.encoder import Chip, Encoding, InProcessEncoder
from kiosk.identity.engine import FaceEngine, Image
from kiosk.identity.liveness import Challenge, LivenessPolicy
from kiosk.identity.scratch import SessionScratch
from kiosk.identity.session import VerificationSession
from kiosk.identity.verifier import FaceVerifier, Progress, VerifyPolicy
from kiosk.workers import Workers
from tests.kiosk.identity.conftest import FACES

Inbox = queue.Queue[Callable[[], None]]


class UiLoop:
    """The UI thread's part, run by the test thread: a clock tick pumps, posted callbacks run here."""

    def __init__(self) -> None:
        self.inbox: Inbox = queue.Queue()
        self.thread = threading.current_thread()

    def run_until(self, session: VerificationSession, seconds: float, tick_s: float = 1 / 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not session.done:
            session.pump()
            with contextlib.suppress(queue.Empty):
                self.inbox.get(timeout=tick_s)()


def test_a_photo_held_to_the_camera_fails_liveness_off_the_ui_thread(
    engine: FaceEngine, encoding_of: Callable[[str], Encoding], tmp_path: Path
) -> None:
    ui = UiLoop()
    workers = Workers(ui.inbox.put, max_workers=1)
    seen: list[tuple[Progress, bool]] = []
    worker_threads: set[str] = set()

    class WatchedVerifier(FaceVerifier):
        def process(self, image: Image, t: float) -> list[Progress]:
            worker_threads.add(threading.current_thread().name)
            return super().process(image, t)

    policy = VerifyPolicy(liveness=LivenessPolicy(time_limit_s=1.0))
    verifier = WatchedVerifier(engine, encoding_of("obama_4.jpg").copy(), policy, challenge=Challenge.BLINK)
    scratch = SessionScratch(root=tmp_path)
    (scratch.path / "reference.jpg").write_bytes(b"\xff\xd8 a reference photo a plug-in wanted on disk")
    sim = SimulatedCamera([FACES / "obama_1.jpg"], fps=30)
    with Camera(sim) as camera:

        def show(event: Progress) -> None:
            seen.append((event, threading.current_thread() is ui.thread))

        session = VerificationSession(camera, verifier, workers, show, scratch)
        ui.run_until(session, seconds=30)
        session.close()
    workers.close()

    codes = [f"{e.step}:{e.code}" if e.code else str(e.step) for e, _ in seen]
    assert codes == ["face_found", "challenge:blink", "failed:liveness_timeout"]
    assert all(on_ui for _, on_ui in seen)  # progress reached the screen only through the UI post
    assert worker_threads
    assert threading.current_thread().name not in worker_threads
    assert session.processed >= 3
    # (frames dropped while busy are counted; test_frames_are_dropped_while_a_worker_is_busy pins it down)
    assert not scratch.path.exists()  # the temporary area is gone
    assert list(tmp_path.iterdir()) == []
    assert not verifier.reference.any()  # the reference encoding is wiped


def test_frames_are_dropped_while_a_worker_is_busy(
    engine: FaceEngine, encoding_of: Callable[[str], Encoding], tmp_path: Path
) -> None:
    ui = UiLoop()
    workers = Workers(ui.inbox.put, max_workers=1)
    release = threading.Event()

    class SlowVerifier(FaceVerifier):
        def process(self, image: Image, t: float) -> list[Progress]:
            release.wait(30)  # the worker is busy until the test lets it go
            return super().process(image, t)

    verifier = SlowVerifier(
        engine, encoding_of("obama_4.jpg").copy(), VerifyPolicy(), challenge=Challenge.BLINK
    )
    sim = SimulatedCamera([FACES / "obama_1.jpg"], fps=30)
    with Camera(sim) as camera:
        session = VerificationSession(
            camera, verifier, workers, lambda _event: None, SessionScratch(root=tmp_path)
        )
        deadline = time.monotonic() + 30
        while not session.pump() and time.monotonic() < deadline:  # the first frame goes to the worker
            time.sleep(0.01)
        while session.dropped == 0 and time.monotonic() < deadline:  # later frames find it busy
            session.pump()
            time.sleep(0.01)
        assert session.dropped > 0
        assert session.processed == 0
        release.set()
        while session.processed == 0 and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                ui.inbox.get(timeout=0.1)()
        assert session.processed == 1
        session.close()
    workers.close()


def test_a_camera_that_goes_away_ends_the_verification(
    engine: FaceEngine, encoding_of: Callable[[str], Encoding]
) -> None:
    ui = UiLoop()
    workers = Workers(ui.inbox.put, max_workers=1)
    seen: list[Progress] = []
    verifier = FaceVerifier(engine, encoding_of("obama_4.jpg").copy(), VerifyPolicy())
    sim = SimulatedCamera([FACES / "obama_1.jpg"], fps=30, faults=SimFaults(disconnect_after=5))
    with Camera(sim, reconnect_delay_s=5) as camera:
        session = VerificationSession(camera, verifier, workers, seen.append)
        ui.run_until(session, seconds=20)
        session.close()
    workers.close()
    assert [e.code for e in seen][-1] == "camera"
    assert seen[-1].message == "摄像头暂时无法使用，请到柜台办理"


class GatedEncoder:
    """A real in-process encoder with a gate: each encode says it has started, then waits to be let go
    (``fail`` makes it raise instead, as dlib running out of memory would). Every encoding it hands out
    is kept, to check that none outlives the session."""

    def __init__(self, fail: bool) -> None:
        self.inner = InProcessEncoder()
        self.fail = fail
        self.entered = threading.Event()
        self.release = threading.Event()
        self.handed_out: list[Encoding] = []

    def encode(self, chip: Chip) -> Encoding:
        self.entered.set()
        if not self.release.wait(60):
            raise TimeoutError("the test never released the encoder")
        if self.fail:
            raise MemoryError("dlib: out of memory")
        encoding = self.inner.encode(chip)
        self.handed_out.append(encoding)
        return encoding

    def close(self) -> None:
        pass


def drain_until(
    ui: UiLoop, check: Callable[[], bool], session: VerificationSession, seconds: float = 60
) -> None:
    """Run the UI loop (pump, posted callbacks) until ``check`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        session.pump()
        with contextlib.suppress(queue.Empty):
            ui.inbox.get(timeout=0.02)()


@pytest.mark.parametrize("fail", [False, True], ids=["encoding-finishes", "encoding-raises"])
def test_closing_while_a_worker_is_inside_process_leaves_no_encoding_and_no_event(
    encoding_of: Callable[[str], Encoding], fail: bool
) -> None:
    ui = UiLoop()
    workers = Workers(ui.inbox.put, max_workers=1)
    gate = GatedEncoder(fail)
    reference = encoding_of("obama_4.jpg").copy()
    verifier = FaceVerifier(FaceEngine(gate), reference, VerifyPolicy(), challenge=Challenge.BLINK)
    seen: list[Progress] = []
    sim = SimulatedCamera([FACES / "obama_1.jpg"], fps=30)
    with Camera(sim) as camera:
        session = VerificationSession(camera, verifier, workers, seen.append)
        drain_until(ui, gate.entered.is_set, session)  # a worker is inside process(), encoding the anchor
        delivered = list(seen)
        session.close()  # the member walked away: the UI thread closes, without waiting for the worker
        assert verifier.closed
        gate.release.set()
        drain_until(ui, lambda: not session.busy, session)  # the worker's callback came and went
    workers.close()

    assert seen == delivered  # nothing reached the screen after close (no failed:internal_error either)
    assert not reference.any()  # the reference is wiped, once the frame in flight had finished
    assert all(not encoding.any() for encoding in gate.handed_out)  # the fresh anchor did not survive
    assert verifier.anchor_distance is None
    assert verifier.distances == []
    assert verifier.result is None
    assert verifier.process(np.zeros((480, 640, 3), np.uint8), 0.0) == []  # a closed verifier does nothing
