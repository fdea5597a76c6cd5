"""Shared fixtures: a real reference back end and small real HTTP servers (no mocks of internals)."""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

from kiosk.embedded_backend import EmbeddedBackEnd

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@pytest.fixture(scope="session")
def fundcenter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackEnd]:
    """``fundcenter serve`` in its own process on a free port, seeded with the demo members."""
    back_end = EmbeddedBackEnd(tmp_path_factory.mktemp("fundcenter"), port=0)
    back_end.start()
    yield back_end
    back_end.stop()


@contextmanager
def http_server(handle: Handler) -> Iterator[str]:
    """A real HTTP server on a free loopback port whose GET answers are written by ``handle``."""

    class _Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handle(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


# Property tests: the same examples on every run (no flaky CI), no per-example deadline on a busy machine.
settings.register_profile("project", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("project")


# On CI (CI=true, as `.ci/run` runs) a skipped test is a failure: the Makefile installs everything
# the suite needs, so a skip there means a missing install step that a green run would hide.
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and os.environ.get("CI", "").lower() in {"1", "true", "yes"} and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                f"CI: {len(_skipped)} test(s) skipped, which CI counts as failed "
                "(the Makefile must install what they need): " + ", ".join(_skipped[:10]),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
