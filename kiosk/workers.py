"""The one thread boundary: blocking work runs on worker threads, results come back through ``post``.

The app wiring passes a ``post`` that schedules a callable on the UI thread (Kivy's
``Clock.schedule_once``, which is thread-safe); tests pass a queue. Nothing here knows about Kivy,
so screens never block and the boundary is tested without a window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
Post = Callable[[Callable[[], None]], None]

log = logging.getLogger(__name__)


class WorkersClosed(RuntimeError):
    """Work was submitted after :meth:`Workers.close`."""


class Workers:
    def __init__(self, post: Post, max_workers: int = 4, name: str = "kiosk-worker") -> None:
        self._post = post
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
        self._closed = threading.Event()

    def run(
        self,
        work: Callable[[], T],
        on_result: Callable[[T], None],
        on_error: Callable[[Exception], None],
    ) -> Future[T]:
        """Run ``work`` on a worker; hand its result or exception to the UI thread via ``post``.

        Callbacks are dropped once the workers are closed: a screen that is gone must not be touched.
        """
        if self._closed.is_set():
            raise WorkersClosed("workers are closed")
        future = self._pool.submit(work)

        def deliver(done: Future[T]) -> None:
            if self._closed.is_set() or done.cancelled():
                return
            exc = done.exception()
            if exc is None:
                result = done.result()
                self._post(lambda: on_result(result))
            elif isinstance(exc, Exception):
                self._post(lambda: on_error(exc))
            else:  # KeyboardInterrupt/SystemExit in a worker: log, never swallow silently
                log.error("worker ended by %s", type(exc).__name__)

        future.add_done_callback(deliver)
        return future

    def close(self, wait: bool = True) -> None:
        """Stop accepting work, cancel what has not started, and (optionally) wait for running work."""
        self._closed.set()
        self._pool.shutdown(wait=wait, cancel_futures=True)
