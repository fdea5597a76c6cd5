"""End to end under a real X server: ``kiosk demo`` in a window on Xvfb, clicked and typed at with
xdotool as a member would (touch the attract screen, put the card on the reader, look at the camera,
exit). Progress is read from the voice prompts the demo logs for each screen."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.session.messages import MESSAGES

MISSING = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
pytestmark = [
    pytest.mark.skipif(
        bool(MISSING), reason=f"{' and '.join(MISSING)} not installed (the Makefile's APT_PACKAGES has them)"
    ),
    pytest.mark.timeout(600),
]
WIDTH, HEIGHT = 1080, 1920


class Lines:
    """A child's output, collected on a thread, waited on by content."""

    def __init__(self, stream: object) -> None:
        self.lines: list[str] = []
        self._stream = stream
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        """After the process ended: the rest of its output read, then the pipe closed."""
        self._thread.join(30)
        self._stream.close()  # type: ignore[attr-defined]

    def _pump(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line)

    def wait_for(self, text: str, timeout_s: float, after: int = 0) -> int:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return index + 1
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} within {timeout_s} s; last lines:\n{''.join(self.lines[-30:])}")


@pytest.fixture
def display() -> Iterator[str]:
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    end = time.monotonic() + 20
    while not socket.exists() and time.monotonic() < end:
        time.sleep(0.1)
    assert socket.exists(), "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(10)


def xdotool(display: str, *args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_member_clicks_through_the_demo_on_xvfb(display: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"} | {
        "DISPLAY": display,
        "PYTHONUNBUFFERED": "1",
    }
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "demo", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out = Lines(kiosk.stdout)
        seen = out.wait_for("Kiosk window open", 240)
        seen = out.wait_for("member sessions ready", 240, seen)
        # By the kiosk's pid: xdotool's --name does not match a Chinese title (its WM_NAME is UTF-8).
        window = xdotool(display, "search", "--sync", "--pid", str(kiosk.pid)).splitlines()[0]
        assert xdotool(display, "getwindowname", window).strip() == "住房公积金自助服务"
        xdotool(display, "windowmove", "--sync", window, "0", "0")
        xdotool(display, "windowfocus", "--sync", window)  # no window manager: focus, not activate

        xdotool(display, "mousemove", "--window", window, "540", "1000", "click", "1")  # touch to begin
        seen = out.wait_for(f"voice prompt (zh): {MESSAGES['place_card'].zh}", 60, seen)
        xdotool(display, "key", "--window", window, "1")  # demo member 1's card on the reader
        seen = out.wait_for("card read: resident", 60, seen)
        seen = out.wait_for(f"voice prompt (zh): {MESSAGES['menu'].zh}", 180, seen)  # face and liveness

        xdotool(display, "mousemove", "--window", window, str(WIDTH - 90), "80", "click", "1")  # 退出
        seen = out.wait_for(f"voice prompt (zh): {MESSAGES['goodbye'].zh}", 60, seen)
        xdotool(display, "key", "--window", window, "0")  # the card taken away
        out.wait_for(" wiped", 30, seen - 5)
    finally:
        kiosk.send_signal(signal.SIGINT)
        try:
            kiosk.wait(60)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            kiosk.wait()
        out.close()
    assert kiosk.returncode == 0, "".join(out.lines[-30:])
    assert "embedded back end stopped" in "".join(out.lines)
