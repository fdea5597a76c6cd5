"""Verification off the UI thread: the screen's clock calls :meth:`VerificationSession.pump`; the newest
camera frame goes to a worker unless one is still being processed, in which case frames are dropped
(counted), never queued. Progress events come back on the UI thread through :class:`~kiosk.workers.Workers`.

The kiosk builds one ``FaceEngine(ProcessEncoder())`` at start-up and shares it between sessions: the
encoder then runs in its helper process, and the grabber and the UI keep their frame rate meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from drivers.camera import Camera, DeviceStatus
from drivers.camera.protocol import UNUSABLE_STATES
from kiosk.identity.scratch import SessionScratch
from kiosk.identity.verifier import FaceVerifier, Failure, Progress, failed
from kiosk.workers import Workers

log = logging.getLogger(__name__)


class VerificationSession:
    def __init__(
        self,
        camera: Camera,
        verifier: FaceVerifier,
        workers: Workers,
        on_progress: Callable[[Progress], None],
        scratch: SessionScratch | None = None,
    ) -> None:
        self.camera = camera
        self.verifier = verifier
        self.workers = workers
        self.on_progress = on_progress
        self.scratch = scratch
        self.busy = False
        self.processed = 0
        self.dropped = 0  # frames that arrived while a frame was being processed
        self._last_seq = 0
        self._closed = False

    @property
    def done(self) -> bool:
        return self.verifier.done or self._closed

    def pump(self) -> bool:
        """Call on the UI thread at the screen's rate; True when a frame was handed to a worker."""
        if self.done:
            return False
        if self.camera.status().state in UNUSABLE_STATES - {DeviceStatus.OFFLINE}:
            self._finish_with(failed(Failure.CAMERA))
            return False
        frame = self.camera.latest()
        if frame is None or frame.seq == self._last_seq:
            return False
        if self.busy:
            self.dropped += frame.seq - self._last_seq
            self._last_seq = frame.seq
            return False
        self._last_seq = frame.seq
        self.busy = True
        verifier = self.verifier
        self.workers.run(lambda: verifier.process(frame.image, frame.t), self._on_result, self._on_error)
        return True

    def _on_result(self, events: list[Progress]) -> None:
        self.busy = False
        self.processed += 1
        if self._closed:
            return
        for event in events:
            self.on_progress(event)

    def _on_error(self, exc: Exception) -> None:
        self.busy = False
        if self._closed:  # the member has gone: nothing may reach the screen (maybe the next member's)
            log.info("face verification: error after the session closed, ignored: %r", exc)
            return
        log.error("face verification failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._finish_with(failed(Failure.INTERNAL))

    def _finish_with(self, event: Progress) -> None:
        if self.verifier.result is None:
            self.verifier.result = event
            self.on_progress(event)

    def close(self) -> None:
        """End of the member's session: forget the face and wipe the temporary area.

        Never waits for a frame in flight on a worker: that frame stops at its next step and the
        verifier wipes itself when it ends (:meth:`FaceVerifier.close`); its result or error is dropped.
        """
        self._closed = True
        self.verifier.close()
        if self.scratch is not None:
            self.scratch.wipe()
