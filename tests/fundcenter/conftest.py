"""Back-end fixtures: the real server in a child process (``fundcenter``) or in a thread with a clock."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from fundcenter.api import create_app
from fundcenter.db import make_engine, upgrade_schema
from fundcenter.devices import enrolment
from fundcenter.seed import seed
from fundcenter.settings import Settings
from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.helpers import Kiosk, enrol, fundcenter_cli

_numbers = itertools.count(1)


@dataclass
class ManualClock:
    """The back end's clock in a test: time moves only when the test says so."""

    current: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


@dataclass
class ThreadServer:
    url: str
    engine: Engine
    clock: ManualClock
    data_dir: Path
    app: FastAPI

    def kiosk(self) -> Kiosk:
        device_id = f"KIOSK-T{next(_numbers):04d}"
        token = enrolment.register(self.engine, device_id, "test hall", self.clock(), dt.timedelta(hours=1))
        assert enrol(self.url, device_id, token).status_code == 200
        return Kiosk(self.url, device_id)


@contextmanager
def serve_app(data_dir: Path, **uvicorn_options: Any) -> Iterator[ThreadServer]:
    """create_app on a fresh seeded SQLite database, under uvicorn in a thread, with a manual clock.
    ``uvicorn_options`` reach uvicorn.Config (``ssl_certfile``/``ssl_keyfile`` serve HTTPS)."""
    engine = make_engine(f"sqlite:///{data_dir / 'fundcenter.db'}")
    upgrade_schema(engine)
    seed(engine)
    clock = ManualClock()
    settings = Settings(database_url=f"sqlite:///{data_dir / 'fundcenter.db'}")
    app = create_app(engine, settings, now=clock)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off", **uvicorn_options)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
        assert thread.is_alive()
    port = server.servers[0].sockets[0].getsockname()[1]
    scheme = "https" if uvicorn_options.get("ssl_certfile") else "http"
    host = "localhost" if scheme == "https" else "127.0.0.1"
    try:
        yield ThreadServer(f"{scheme}://{host}:{port}/", engine, clock, data_dir, app)
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.context.heartbeats.close()
        engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadServer]:
    """The reference back end over HTTP in a thread, with a manual clock (see :func:`serve_app`)."""
    with serve_app(tmp_path) as running:
        yield running


def new_kiosk(back_end: EmbeddedBackEnd) -> Kiosk:
    """Register a kiosk with the real CLI and enrol it over HTTP against the child-process server."""
    assert back_end.url is not None
    device_id = f"KIOSK-P{next(_numbers):04d}"
    added = fundcenter_cli(back_end.data_dir, "device", "add", "--id", device_id)
    assert added.returncode == 0, added.stderr
    assert enrol(back_end.url, device_id, added.stdout.strip()).status_code == 200
    return Kiosk(back_end.url, device_id)
