import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.printer.simulator.cupsd import PrivateCupsd

FakeTool = Callable[[str, str], Path]


@pytest.fixture
def cupsd(tmp_path: Path) -> Iterator[PrivateCupsd]:
    """A private cupsd on its own port with the ``kiosk-a4`` queue (kioskpdf backend), stopped after."""
    with PrivateCupsd(tmp_path / "cups") as server:
        yield server


@pytest.fixture
def fake_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeTool:
    """Put a shell script named like a CUPS tool first on PATH; ``$REAL`` in it is the real tool.

    ``fake_tool("ipptool", 'case "$*" in *job-state*) exec sleep 60;; esac; exec "$REAL" "$@"')`` makes
    every Get-Job-Attributes hang and lets the rest through. The driver runs the tools as processes, so
    this is the real tool misbehaving, not a mock of the driver. The returned path is a switch: the
    fake runs its script only while that file exists, and is the real tool once it is deleted.
    """
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    def make(name: str, script: str) -> Path:
        real = shutil.which(name, path=os.environ["PATH"].split(os.pathsep, 1)[1])
        assert real is not None, f"{name} is not installed"
        switch = tmp_path / f"fake-{name}.on"
        switch.touch()
        tool = bin_dir / name
        tool.write_text(f'#!/bin/sh\nREAL={real}\n[ -f {switch} ] || exec "$REAL" "$@"\n{script}\n', "utf-8")
        tool.chmod(0o755)
        return switch

    return make
