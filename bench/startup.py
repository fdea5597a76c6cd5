"""Cold start of the kiosk shell to its first rendered frame, and its peak memory.

Each run starts a fresh interpreter (``kiosk run --offscreen --exit-after-first-frame``) and times
from the spawn to the line the app prints after the first frame is swapped; peak memory is the
child's maximum resident set size as the kernel reports it at exit (``wait4``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TARGET_START_S = 3.0
TARGET_PEAK_MB = 300.0


@dataclass(frozen=True)
class StartupRun:
    first_frame_s: float
    peak_rss_mb: float


def one_run(workdir: Path, config: Path) -> StartupRun:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "run",
            "--config",
            str(config),
            "--offscreen",
            "--exit-after-first-frame",
        ],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    first_frame = None
    assert process.stdout is not None
    for line in process.stdout:
        if "kiosk: first frame" in line:
            first_frame = time.perf_counter() - started
    _, status, usage = os.wait4(process.pid, 0)
    process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if first_frame is None or process.returncode != 0:
        raise RuntimeError(f"kiosk did not reach its first frame (exit {process.returncode})")
    return StartupRun(first_frame_s=first_frame, peak_rss_mb=usage.ru_maxrss / 1024)


def measure(runs: int = 7) -> list[StartupRun]:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        workdir = Path(tmp)
        config = workdir / "kiosk.toml"
        # The back end is unreachable on purpose: start-up must not wait for the network.
        config.write_text('[paths]\nvar_dir = "var"\n[back_end]\nurl = "http://127.0.0.1:9/"\n', "utf-8")
        return [one_run(workdir, config) for _ in range(runs)]


def summary(results: list[StartupRun]) -> dict[str, float]:
    starts = [r.first_frame_s for r in results]
    return {
        "first_run_s": starts[0],
        "median_s": statistics.median(starts),
        "max_s": max(starts),
        "peak_rss_mb": max(r.peak_rss_mb for r in results),
    }
