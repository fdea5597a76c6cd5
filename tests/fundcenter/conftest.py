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
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fundcenter.api import create_app
from fundcenter.db import make_engine, upgrade_schema
from fundcenter.devices import enrolment
from fundcenter.devices.tls import uvicorn_config
from fundcenter.models import Member
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
        key = ec.generate_private_key(ec.SECP256R1())
        assert enrol(self.url, device_id, token, key).status_code == 200
        return Kiosk(self.url, device_id, key, clock=self.clock)

    def balance_of(self, member: tuple[str, str]) -> int:
        """A member's balance straight from the database (no session needed)."""
        with Session(self.engine) as session:
            balance = session.scalar(select(Member.balance_fen).where(Member.id_number == member[0]))
        assert balance is not None
        return balance


@contextmanager
def thread_server(
    tmp_path: Path, tls: tuple[Path, Path] | None = None, **settings: Any
) -> Iterator[ThreadServer]:
    """create_app on a fresh seeded SQLite database, under uvicorn in a thread, with a manual clock;
    with ``tls`` (certificate, key) it serves mutual TLS as ``fundcenter serve --tls-cert`` does."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fundcenter.db'}")
    upgrade_schema(engine)
    seed(engine)
    clock = ManualClock()
    app = create_app(
        engine, Settings(database_url=f"sqlite:///{tmp_path / 'fundcenter.db'}", **settings), clock
    )
    device_ca = app.state.context.device_ca.certificate_path
    certfile, keyfile = tls or (None, None)
    config = uvicorn_config(app, certfile, keyfile, device_ca)
    config.host, config.port = "127.0.0.1", 0
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
        assert thread.is_alive()
    port = server.servers[0].sockets[0].getsockname()[1]
    host = "localhost" if tls else "127.0.0.1"  # the name in the server's certificate
    try:
        yield ThreadServer(f"{'https' if tls else 'http'}://{host}:{port}/", engine, clock, tmp_path, app)
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.context.heartbeats.close()
        engine.dispose()


@contextmanager
def serve_app(
    data_dir: Path, ssl_certfile: str | None = None, ssl_keyfile: str | None = None
) -> Iterator[ThreadServer]:
    """:func:`thread_server` over HTTPS when given a server certificate and key (PEM files)."""
    tls = (Path(ssl_certfile), Path(ssl_keyfile)) if ssl_certfile and ssl_keyfile else None
    with thread_server(data_dir, tls) as running:
        yield running


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadServer]:
    with thread_server(tmp_path) as running:
        yield running


def new_kiosk(back_end: EmbeddedBackEnd) -> Kiosk:
    """Register a kiosk with the real CLI and enrol it over HTTP against the child-process server."""
    assert back_end.url is not None
    device_id = f"KIOSK-P{next(_numbers):04d}"
    added = fundcenter_cli(back_end.data_dir, "device", "add", "--id", device_id)
    assert added.returncode == 0, added.stderr
    key = ec.generate_private_key(ec.SECP256R1())
    assert enrol(back_end.url, device_id, added.stdout.strip(), key).status_code == 200
    return Kiosk(back_end.url, device_id, key)
