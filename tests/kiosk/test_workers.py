import queue
import threading
from collections.abc import Callable

import pytest

from kiosk.workers import Workers, WorkersClosed

Inbox = queue.Queue[Callable[[], None]]


def drain_one(inbox: Inbox) -> None:
    inbox.get(timeout=5)()


def test_results_come_back_only_through_post() -> None:
    inbox: Inbox = queue.Queue()
    workers = Workers(inbox.put, max_workers=2)
    seen: list[tuple[str, int, bool]] = []
    release = threading.Event()

    def work() -> int:
        release.wait(5)
        return 42

    workers.run(
        work,
        on_result=lambda v: seen.append(("result", v, threading.current_thread() is threading.main_thread())),
        on_error=lambda e: seen.append(("error", 0, False)),
    )
    assert seen == []  # nothing runs on the "UI thread" before the result is posted
    release.set()
    drain_one(inbox)
    assert seen == [("result", 42, True)]
    workers.close()


def test_errors_are_handed_to_on_error() -> None:
    inbox: Inbox = queue.Queue()
    workers = Workers(inbox.put)
    errors: list[Exception] = []

    def fail() -> None:
        raise TimeoutError("reader did not answer")

    workers.run(fail, on_result=lambda _v: pytest.fail("no result expected"), on_error=errors.append)
    drain_one(inbox)
    assert isinstance(errors[0], TimeoutError)
    assert str(errors[0]) == "reader did not answer"
    workers.close()


def test_no_callbacks_after_close() -> None:
    inbox: Inbox = queue.Queue()
    workers = Workers(inbox.put)
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "late"

    workers.run(
        slow, on_result=lambda _v: pytest.fail("screen is gone"), on_error=lambda _e: pytest.fail("gone")
    )
    assert started.wait(5)
    closer = threading.Thread(target=workers.close)
    closer.start()
    release.set()
    closer.join(5)
    assert inbox.empty()
    with pytest.raises(WorkersClosed):
        workers.run(lambda: 1, on_result=print, on_error=print)
