from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.printer.simulator.cupsd import PrivateCupsd


@pytest.fixture
def cupsd(tmp_path: Path) -> Iterator[PrivateCupsd]:
    """A private cupsd on its own port with the ``kiosk-a4`` queue (kioskpdf backend), stopped after."""
    with PrivateCupsd(tmp_path / "cups") as server:
        yield server
