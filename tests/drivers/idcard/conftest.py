from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.idcard.simulator import PtySimulator, SimulatedReader


@pytest.fixture
def sim_reader() -> SimulatedReader:
    return SimulatedReader()


@pytest.fixture
def pty_sim(sim_reader: SimulatedReader, tmp_path: Path) -> Iterator[PtySimulator]:
    """The simulated reader on a real pty, reachable through a stable link (like /dev/serial/by-id)."""
    with PtySimulator(sim_reader, link=tmp_path / "ttyIDCARD") as sim:
        yield sim
