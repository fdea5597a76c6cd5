"""``make bench``: run the benchmarks and rewrite bench/RESULTS.md with the machine and the date."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib.metadata import version
from pathlib import Path

from bench import idcard, printer, startup

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return (
        f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB, "
        f"{platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, Kivy {version('kivy')}"
    )


def verdict(value: float, target: float) -> str:
    return "meets" if value <= target else "MISSES"


def main() -> int:
    results = startup.measure()
    s = startup.summary(results)
    lines = [
        "# Benchmark results",
        "",
        f"Measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {machine()}.",
        "Rendering is offscreen through Mesa llvmpipe (software GL): a kiosk with a GPU starts faster.",
        "",
        "## Kiosk shell: cold start to first frame, peak memory",
        "",
        f"{len(results)} runs, each a fresh interpreter: `kiosk run --offscreen --exit-after-first-frame`.",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        f"| first run (cold-ish caches) | {s['first_run_s']:.2f} s | ≤ {startup.TARGET_START_S:.0f} s "
        f"| {verdict(s['first_run_s'], startup.TARGET_START_S)} |",
        f"| median start to first frame | {s['median_s']:.2f} s | ≤ {startup.TARGET_START_S:.0f} s "
        f"| {verdict(s['median_s'], startup.TARGET_START_S)} |",
        f"| slowest start | {s['max_s']:.2f} s | ≤ {startup.TARGET_START_S:.0f} s "
        f"| {verdict(s['max_s'], startup.TARGET_START_S)} |",
        f"| peak resident memory | {s['peak_rss_mb']:.0f} MB | ≤ {startup.TARGET_PEAK_MB:.0f} MB "
        f"| {verdict(s['peak_rss_mb'], startup.TARGET_PEAK_MB)} |",
        "",
        "Runs (s): " + ", ".join(f"{r.first_frame_s:.2f}" for r in results),
        "",
        *idcard.section(),
        *printer.section(),
    ]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
