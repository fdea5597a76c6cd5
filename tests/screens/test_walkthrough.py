"""``kiosk demo --walkthrough DIR``: a whole session and the printer out of paper on the simulators, one
picture per step and everything printed, in a child process (Kivy owns its process)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from kiosk.demo_walk import walkthrough_steps
from screens.theme import Palette
from tests.kiosk.test_app_offscreen import back_end_port, count_near, kiosk, port_closed, rgb

PALETTE = Palette()
pytestmark = pytest.mark.timeout(1200)


class NoHall:
    def place(self, number: int) -> None: ...

    def remove(self) -> None: ...

    def set_paper(self, out: bool) -> None: ...


STEPS = [step.name for step in walkthrough_steps(NoHall())]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    cwd = tmp_path_factory.mktemp("walkthrough")
    shots = cwd / "shots"
    kept = cwd / "var" / "fundcenter" / "kept-by-keep-data"
    kept.parent.mkdir(parents=True)
    kept.write_text("an earlier demo's data", "utf-8")
    done = kiosk("demo", "--walkthrough", str(shots), "--port", "0", "--keep-data", cwd=cwd, timeout=1100)
    assert done.returncode == 0, done.stderr[-3000:]
    assert kept.is_file()  # --keep-data: the last run's data stays (without it, a demo starts afresh)
    return shots, done


def test_every_step_is_reached_and_pictured(walked: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    shots, done = walked
    assert f"walkthrough screenshots in {shots}" in done.stdout
    assert "gave up waiting" not in done.stderr, [s for s in done.stderr.splitlines() if "gave up" in s]
    pictures = sorted(p.name for p in shots.glob("*.png"))
    assert pictures == [f"{i:02d}-{name}.png" for i, name in enumerate(STEPS, 1)]
    for name in pictures:
        image = Image.open(shots / name).convert("RGB")
        assert image.size == (1080, 1920), name
        assert count_near(image, rgb(PALETTE.primary)) > 1080 * 100, name  # the header band
        assert count_near(image, rgb(PALETTE.text), 60) > 500, name  # text was drawn


def test_the_attract_screen(walked: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    shots, _ = walked
    image = Image.open(shots / "01-attract.png").convert("RGB")
    header = image.crop((0, 0, 1080, 200))
    assert count_near(header, rgb(PALETTE.primary)) > 0.7 * 1080 * 200
    assert count_near(header, (255, 255, 255), 40) > 2000  # the center's name, white on blue
    # the call to action is drawn in the accent red, the "service available" light in green
    assert count_near(image, rgb(PALETTE.accent), 30) > 5000
    assert count_near(image, rgb(PALETTE.ok), 20) > 200


def test_the_printer_out_of_paper_is_said_in_chinese(
    walked: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    shots, done = walked
    out_of_paper = STEPS.index("printer-out-of-paper") + 1
    image = Image.open(shots / f"{out_of_paper:02d}-printer-out-of-paper.png").convert("RGB")
    assert count_near(image, rgb(PALETTE.warning), 30) > 500  # the warning stripe and headline
    assert "voice prompt (zh): " in done.stderr


def test_everything_printed_is_in_the_folder(walked: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    shots, _ = walked
    certificates = sorted(shots.glob("printed-certificate-*.pdf"))
    assert len(certificates) == 1  # out of paper once, printed once
    assert certificates[0].read_bytes().startswith(b"%PDF")
    receipts = sorted(shots.glob("printed-receipt-*.txt"))
    assert len(receipts) == 1
    receipt = receipts[0].read_text("utf-8")
    assert "1,500.00" in receipt or "1500.00" in receipt


def test_no_personal_data_in_the_log_and_the_back_end_stopped(
    walked: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, done = walked
    assert "林晓雯" not in done.stderr
    assert "371302198806120029" not in done.stderr
    assert "card read: resident  id_number=3713**********0029" in done.stderr
    assert port_closed(back_end_port(done.stderr)), "the demo left its back end running"
