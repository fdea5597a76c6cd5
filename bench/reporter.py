"""The health reporter's own cost: CPU and memory of a real ``kiosk health`` process.

The reporter runs as it does on a kiosk (``kiosk health --config …``, every check of the standard set,
one pass every 15 s, heartbeats through the hardened client) against the reference back end in its own
process. This process plays the shell: a simulated ID card reader polled by the real poller, and the
status board written every 5 s. Prometheus scrapes ``/metrics`` every 15 s. CPU is the reporter's
user + system time over the measured window (after its first pass); memory is its resident set.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.backend import TIMEOUT, _csr, _start
from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import CardEvent, CardPoller, ReaderStatusChanged
from drivers.idcard.simulator import SimulatedReader, register, unregister
from drivers.status import DeviceStatus
from fundcenter.db import make_engine, upgrade_schema
from fundcenter.devices import enrolment
from kiosk.health.shell_status import ShellStatusBoard

TARGET_CPU = 0.02  # of one core
TARGET_RSS_MB = 60.0
INTERVAL_S = 15.0  # the reporter's default pass
WINDOW_S = 120.0
DEVICE = "KIOSK-BENCH"


@dataclass(frozen=True)
class ReporterBench:
    window_s: float
    cpu: float  # share of one core
    rss_mb: float
    peak_rss_mb: float
    heartbeats: int
    scrapes: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _memory_mb(pid: int) -> tuple[float, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


class _Shell:
    """What the shell does for the reporter: poll the card reader, keep the board, write it every 5 s."""

    def __init__(self, board_path: Path) -> None:
        self.board = ShellStatusBoard(board_path, "bench")
        self.board.device("card_reader", DeviceStatus.STARTING)
        self.reader = SimulatedReader()
        url = register("bench-reporter", self.reader)
        self.poller = CardPoller(IdCardReader(url), self._on_event)
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._write, daemon=True)

    def _on_event(self, event: CardEvent) -> None:
        if isinstance(event, ReaderStatusChanged):
            self.board.device("card_reader", event.status, event.problem)

    def _write(self) -> None:
        while not self._stop.is_set():
            self.board.write()
            self._stop.wait(5.0)

    def __enter__(self) -> _Shell:
        self.poller.start()
        self.board.write()
        self._writer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._writer.join(10)
        self.poller.stop()
        unregister("bench-reporter")


def measure(window_s: float = WINDOW_S) -> ReporterBench:
    with tempfile.TemporaryDirectory(prefix="reporter-bench-") as tmp:
        root = Path(tmp)
        database = root / "fundcenter.db"
        engine = make_engine(f"sqlite:///{database}")
        upgrade_schema(engine)
        token = enrolment.register(
            engine, DEVICE, "bench hall", dt.datetime.now(dt.UTC), dt.timedelta(hours=1)
        )
        engine.dispose()
        back_end, base = _start(f"sqlite:///{database}")
        metrics_port = _free_port()
        config = root / "kiosk.toml"
        config.write_text(
            f'[kiosk]\ndevice_id = "{DEVICE}"\n[paths]\nvar_dir = "{root / "var"}"\n'
            f'[back_end]\nurl = "{base}"\n'
            f"[health]\ninterval_s = {INTERVAL_S}\nmetrics_port = {metrics_port}\n",
            "utf-8",
        )
        reporter: subprocess.Popen[bytes] | None = None
        try:
            body = {"device_id": DEVICE, "token": token, "csr_pem": _csr(DEVICE)}
            requests.post(f"{base}v1/devices/enrol", json=body, timeout=TIMEOUT).raise_for_status()
            with _Shell(root / "var" / "run" / "shell-status.json"):
                reporter = subprocess.Popen(
                    [sys.executable, "-m", "kiosk", "health", "--config", str(config)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                metrics = f"http://127.0.0.1:{metrics_port}/metrics"
                deadline = time.monotonic() + 60
                while True:  # up, and its first pass done
                    try:
                        if "kiosk_build_info" in requests.get(metrics, timeout=2).text:
                            break
                    except requests.ConnectionError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError("kiosk health did not start")
                    time.sleep(0.2)
                time.sleep(2.0)
                cpu_before, started = _cpu_s(reporter.pid), time.monotonic()
                scrapes = 0
                while (elapsed := time.monotonic() - started) < window_s:
                    requests.get(metrics, timeout=TIMEOUT).raise_for_status()  # as Prometheus would
                    scrapes += 1
                    time.sleep(min(15.0, max(0.0, window_s - elapsed)))
                cpu = (_cpu_s(reporter.pid) - cpu_before) / (time.monotonic() - started)
                rss, peak = _memory_mb(reporter.pid)
        finally:
            if reporter is not None:
                reporter.terminate()
                reporter.wait(30)
            back_end.terminate()
            back_end.wait(30)
            if back_end.stdout is not None:
                back_end.stdout.close()
        with sqlite3.connect(database) as db:
            beats = db.execute("SELECT count(*) FROM heartbeats WHERE device_id = ?", (DEVICE,)).fetchone()[0]
    return ReporterBench(window_s, cpu, rss, peak, int(beats), scrapes)


def section() -> list[str]:
    b = measure()
    cpu_ok = "meets" if b.cpu <= TARGET_CPU else "MISSES"
    rss_ok = "meets" if b.peak_rss_mb <= TARGET_RSS_MB else "MISSES"
    return [
        "## Health reporter: CPU and memory",
        "",
        f"A real `kiosk health` process with the standard check set (shell liveness, four devices, disk, "
        f"memory, CPU temperature, back-end reachability, clock offset, outbox, last transaction, TLS "
        f"certificate, software) passing every {INTERVAL_S:.0f} s, its heartbeats going to `fundcenter "
        f"serve` in another process; the shell's side is played by a simulated card reader under the real "
        f"poller and the status board written every 5 s; `/metrics` scraped every 15 s. Measured over "
        f"{b.window_s:.0f} s after the first pass: {b.heartbeats} heartbeats stored by the back end, "
        f"{b.scrapes} scrapes.",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        f"| CPU (user + system) | {b.cpu * 100:.2f} % of a core | ≤ {TARGET_CPU * 100:.0f} % | {cpu_ok} |",
        f"| resident memory, peak | {b.peak_rss_mb:.1f} MB | ≤ {TARGET_RSS_MB:.0f} MB | {rss_ok} |",
        f"| resident memory, at the end | {b.rss_mb:.1f} MB | | |",
        "",
    ]
