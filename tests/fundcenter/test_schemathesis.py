"""Schemathesis generates requests from the OpenAPI document and runs them against the real server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.conftest import new_kiosk
from tests.fundcenter.helpers import HE

# positive_data_acceptance is left out on purpose: the schema cannot say that an ID number's check
# digit must match or that a member must exist, so "schema-valid" requests are refused by rule (422).
CHECKS_EXCLUDED = "positive_data_acceptance"


@pytest.fixture
def unsigned_fundcenter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackEnd]:
    """A development server that takes unsigned device calls: schemathesis cannot sign its requests,
    and refusing them all for their missing signature would test nothing behind it."""
    back_end = EmbeddedBackEnd(tmp_path_factory.mktemp("unsigned"), port=0, serve_args=("--allow-unsigned",))
    back_end.start()
    yield back_end
    back_end.stop()


def test_no_server_error_and_the_contract_holds(unsigned_fundcenter: EmbeddedBackEnd, tmp_path: Path) -> None:
    fundcenter = unsigned_fundcenter
    kiosk = new_kiosk(fundcenter)
    assert kiosk.open_session(HE).status_code == 201
    st = Path(sys.executable).parent / "schemathesis"
    done = subprocess.run(
        [
            str(st),
            "run",
            f"{fundcenter.url}openapi.json",
            "-H",
            f"X-Device-Id: {kiosk.device_id}",
            "-H",
            f"Authorization: Bearer {kiosk.token}",
            "--checks",
            "all",
            "--exclude-checks",
            CHECKS_EXCLUDED,
            "--exclude-path",
            "/v1/sessions/current",  # would end the session the other operations use
            "--max-examples",
            "20",
            "--seed",
            "12329",
            "--workers",
            "1",  # CPython 3.11.7's ast.parse is not thread-safe (gh-106905); hypothesis calls it
            "--generation-database",
            "none",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=280,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Server error" not in done.stdout
