"""The kiosk window, rendered offscreen by real Kivy in a child process (Kivy owns its process)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from screens.theme import Palette

PALETTE = Palette()


def headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def kiosk(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        cwd=cwd,
        env=headless_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def rgb(colour: tuple[float, float, float, float]) -> tuple[int, int, int]:
    r, g, b, _ = colour
    return round(r * 255), round(g * 255), round(b * 255)


def count_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 6) -> int:
    return sum(
        n
        for n, px in image.getcolors(image.width * image.height) or []
        if all(abs(a - b) <= tolerance for a, b in zip(px[:3], colour, strict=True))
    )


def back_end_port(log: str) -> int:
    match = re.search(r"embedded back end at http://127\.0\.0\.1:(\d+)/", log)
    assert match, log
    return int(match.group(1))


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_the_shell_starts_and_quits_after_its_first_frame(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\nvar_dir = "var"\n[back_end]\nurl = "http://127.0.0.1:9/"\n', "utf-8")
    done = kiosk("run", "--config", str(config), "--offscreen", "--exit-after-first-frame", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "kiosk: first frame" in done.stdout
    assert (tmp_path / "var" / "kivy" / "config.ini").is_file()  # Kivy's home stays inside var/


def test_configuration_errors_stop_the_shell_with_the_key(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[display]\nheight = 10\n", "utf-8")
    done = kiosk("run", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 2
    assert "display.height" in done.stderr


def start_headless_demo(cwd: Path) -> tuple[subprocess.Popen[str], str]:
    """Start ``kiosk demo`` with no display, its keyboard a pipe, in a process group of its own (as a
    terminal runs it); return it once it says it is live after its walkthrough."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "demo", "--port", "0"],
        cwd=cwd,
        env=headless_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    shots = cwd / "var" / "screenshots"
    for line in process.stdout:
        lines.append(line)
        if "walkthrough screenshots in" in line:  # said only once they exist
            assert (shots / "walkthrough" / "01-attract.png").is_file()
        if "Live picture:" in line:
            assert (shots / "live.png").is_file(), "the live picture was announced before it existed"
        if line.startswith("Press Ctrl+C to stop.") and "Live picture:" in "".join(lines):
            break
    return process, "".join(lines)


def read_until(process: subprocess.Popen[str], marker: str, seen: list[str]) -> None:
    """Read the demo's output until a line containing ``marker`` (bounded by the test's timeout)."""
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            return
    raise AssertionError(f"the demo ended before {marker!r}: {''.join(seen)[-2000:]}")


def type_keys(process: subprocess.Popen[str], keys: str) -> None:
    assert process.stdin is not None
    process.stdin.write(keys)
    process.stdin.flush()


@pytest.mark.timeout(900)  # the headless demo walks a whole session first
def test_headless_demo_is_driven_from_the_terminal_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    stale = tmp_path / "var" / "fundcenter" / "stale-from-an-earlier-demo"
    stale.parent.mkdir(parents=True)
    stale.write_text("an earlier demo's data", "utf-8")
    process, shown = start_headless_demo(tmp_path)
    try:
        assert "No display found" in shown
        before_walk = shown.split("kiosk: walkthrough screenshots in")[0]
        assert "live.png" not in before_walk  # no picture is named before it exists
        assert "now live" in shown
        assert "1-6 place a demo member's ID card" in shown
        assert not stale.exists()  # each demo starts from the seeded data
        live = tmp_path / "var" / "screenshots" / "live.png"
        seen: list[str] = []
        drawn = live.stat().st_mtime_ns
        type_keys(process, "1")  # demo member 1's card on the reader, as in the window
        read_until(process, "kiosk: screen menu", seen)
        read_until(process, "keys:", seen)  # the menu's buttons, each with its letter
        letter = re.search(r"\[(\w)\] account", seen[-1])
        assert letter, seen[-1]
        type_keys(process, letter.group(1))  # the 账户查询 button
        read_until(process, "kiosk: screen account", seen)
        deadline = time.monotonic() + 20
        while live.stat().st_mtime_ns == drawn and time.monotonic() < deadline:
            time.sleep(0.1)
        assert live.stat().st_mtime_ns != drawn, "the live picture was not redrawn after the change"
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in a terminal reaches the whole group
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert "stopping on SIGINT" in stderr
    assert "embedded back end stopped" in stderr
    assert port_closed(back_end_port(stderr))
    assert not leftovers(tmp_path)


@pytest.mark.timeout(900)  # the headless demo walks a whole session first
def test_a_killed_demo_takes_its_back_end_with_it(tmp_path: Path) -> None:
    process, shown = start_headless_demo(tmp_path)
    match = re.search(r"Back end: +http://127\.0\.0\.1:(\d+)/", shown)
    assert match, shown
    port = int(match.group(1))
    assert not port_closed(port)
    process.kill()  # no chance to clean up: the kernel must stop the back end (PR_SET_PDEATHSIG)
    try:
        # The pipes close only once every helper holding them (the face encoder's process) is gone.
        process.communicate(timeout=30)
    finally:
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()
    deadline = time.monotonic() + 15
    while (not port_closed(port) or leftovers(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert port_closed(port)
    assert not leftovers(tmp_path)  # the demo printers' cupsd went with it


def leftovers(run_dir: Path) -> list[str]:
    """Processes still running whose command line names ``run_dir`` (the demo's cupsd does)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (cmdline.parent / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue  # it ended meanwhile
        if str(run_dir) in args and state != "Z":
            found.append(args)
    return found
