"""The session on the simulated camera and real workers: off the UI thread, frames dropped while busy,
progress delivered through the UI post, personal data wiped at the end."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from drivers.camera import Camera
from drivers.camera.simulator import SimFaults, SimulatedCamera
from kiosk.identity.encoder import Encoding
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
    assert session.dropped > 0  # the camera ran at 30 fps; frames that came while busy were dropped
    assert not scratch.path.exists()  # the temporary area is gone
    assert list(tmp_path.iterdir()) == []
    assert not verifier.reference.any()  # the reference encoding is wiped


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
