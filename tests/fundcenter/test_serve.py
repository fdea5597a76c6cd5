import json
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import requests
import uvicorn

from fundcenter.api import create_app
from fundcenter.db import make_engine
from kiosk.embedded_backend import EmbeddedBackEnd


def test_healthz_from_a_real_uvicorn(fundcenter: EmbeddedBackEnd) -> None:
    response = requests.get(f"{fundcenter.url}healthz", timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"]


def test_openapi_document_is_served_and_printed(fundcenter: EmbeddedBackEnd) -> None:
    served = requests.get(f"{fundcenter.url}openapi.json", timeout=5).json()
    assert served["info"]["title"] == "Fund center reference back end"
    assert "/healthz" in served["paths"]
    printed = subprocess.run(
        [sys.executable, "-m", "fundcenter", "openapi"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(printed.stdout)["paths"].keys() == served["paths"].keys()


@pytest.fixture
def unreachable_database_app() -> Iterator[str]:
    """The app over a PostgreSQL URL where nothing listens, served by uvicorn in this process."""
    engine = make_engine("postgresql://fund:secret@127.0.0.1:9/fund?connect_timeout=2")
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=0, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
        assert thread.is_alive()
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)
    engine.dispose()


def test_healthz_says_degraded_when_the_database_is_down(unreachable_database_app: str) -> None:
    response = requests.get(f"{unreachable_database_app}healthz", timeout=10)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_port_in_use_gives_a_clear_error(fundcenter: EmbeddedBackEnd, tmp_path: object) -> None:
    assert fundcenter.url is not None
    port = fundcenter.url.rstrip("/").rsplit(":", 1)[1]
    done = subprocess.run(
        [sys.executable, "-m", "fundcenter", "--database-url", "sqlite://", "serve", "--port", port],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
