"""The same schema, rules and exactly-once payout on PostgreSQL (a real pilot's database)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundcenter.api import create_app
from fundcenter.db import make_engine, upgrade_schema
from fundcenter.models import Base, LedgerEntry
from fundcenter.seed import seed
from fundcenter.settings import Settings
from tests.fundcenter.conftest import ManualClock, ThreadServer
from tests.fundcenter.helpers import TIMEOUT, ZHOU, card_of
from tests.fundcenter.postgres import postgres_server


@pytest.fixture(scope="module")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    base = tmp_path_factory.mktemp("postgres")
    with postgres_server() as url:
        engine = make_engine(url)
        upgrade_schema(engine)
        upgrade_schema(engine)
        seed(engine, synthetic=200)
        clock = ManualClock()
        app = create_app(engine, Settings(database_url=url, data_dir=base / "data"), now=clock)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            thread.join(0.05)
            assert thread.is_alive()
        port = server.servers[0].sockets[0].getsockname()[1]
        yield ThreadServer(f"http://127.0.0.1:{port}/", engine, clock, base / "data", app)
        server.should_exit = True
        thread.join(10)
        app.state.context.heartbeats.close()
        engine.dispose()


def test_migrations_match_the_models_on_postgresql(pg_server: ThreadServer) -> None:
    with pg_server.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_concurrent_duplicates_pay_once_on_postgresql(pg_server: ThreadServer, tmp_path: Path) -> None:
    kiosk = pg_server.kiosk()
    assert kiosk.open_session(ZHOU, now=pg_server.clock()).status_code == 201
    before = kiosk.get("v1/account").json()["balance_fen"]
    body = {"type": "loan_repayment", "amount_fen": 777, "bank_card": card_of(ZHOU)}
    key = str(uuid.uuid4())
    barrier = threading.Barrier(12)
    results: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def send() -> None:
        barrier.wait()
        with requests.Session() as http:
            r = kiosk.request("POST", "v1/withdrawals", body, http=http, **{"Idempotency-Key": key})
        with lock:
            results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=send) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert {s for s, _ in results} <= {201, 409}
    bodies = [b for s, b in results if s == 201]
    assert bodies
    assert all(b == bodies[0] for b in bodies)
    assert kiosk.get("v1/account").json()["balance_fen"] == before - 777
    with Session(pg_server.engine) as session:
        paid = session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.amount_fen == -777)
        )
    assert paid == 1


def test_rules_and_errors_on_postgresql(pg_server: ThreadServer) -> None:
    kiosk = pg_server.kiosk()
    assert kiosk.open_session(ZHOU, now=pg_server.clock()).status_code == 201
    over = kiosk.post(
        "v1/withdrawals",
        {"type": "rent", "amount_fen": 10**9, "bank_card": card_of(ZHOU)},
        **{"Idempotency-Key": str(uuid.uuid4())},
    )
    assert (over.status_code, over.json()["code"]) == (422, "withdrawal_over_limit")
    assert requests.get(f"{pg_server.url}healthz", timeout=TIMEOUT).json()["database"] == "ok"
