"""The face fixtures of the identity tests (one engine per test session), and a reference back end of
each test's own: a whole session closes a demo member's account, which no other test may see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.embedded_backend import EmbeddedBackEnd
from tests.kiosk.identity.conftest import camera_view, engine, photo_faces

__all__ = ["camera_view", "engine", "photo_faces"]


@pytest.fixture
def back_end(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackEnd]:
    server = EmbeddedBackEnd(tmp_path_factory.mktemp("fundcenter-session"), port=0)
    server.start()
    yield server
    server.stop()
