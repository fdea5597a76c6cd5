"""ID card reader: card placed to parsed record through a pty at 115200 baud, and idle polling CPU.

The simulated reader paces its answers like the wire (a 1295-byte read answer needs about 0.11 s at
115200 baud). Latency counts from the moment the card is placed to the poller's CardPlaced event, so
it includes waiting for the next poll. Idle CPU is the poller's process time while no card lies on a
reader simulated in another process.
"""

from __future__ import annotations

import queue
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import CardEvent, CardPlaced, CardPoller, CardRemoved
from drivers.idcard.simulator import PtySimulator, SimulatedReader, sample_cards

TARGET_MEDIAN_S = 0.3
TARGET_IDLE_CPU = 0.01  # of one core


def _wait_for(events: queue.Queue[CardEvent], kind: type) -> CardEvent:
    while True:
        event = events.get(timeout=10)
        if isinstance(event, kind):
            return event


def placement_latencies(runs: int = 30) -> list[float]:
    card = sample_cards()["resident"]
    sim_reader = SimulatedReader()
    events: queue.Queue[CardEvent] = queue.Queue()
    with tempfile.TemporaryDirectory() as tmp, PtySimulator(sim_reader, link=Path(tmp) / "tty") as sim:
        poller = CardPoller(IdCardReader(str(sim.link)), events.put)
        poller.start()
        latencies: list[float] = []
        try:
            for _ in range(runs):
                time.sleep(0.05 + (len(latencies) % 7) * 0.013)  # place at varying points of the poll cycle
                placed_at = time.perf_counter()
                sim_reader.place(card)
                _wait_for(events, CardPlaced)
                latencies.append(time.perf_counter() - placed_at)
                sim_reader.remove()
                _wait_for(events, CardRemoved)
        finally:
            poller.stop()
    return latencies


def idle_cpu(seconds: float = 10.0) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / "tty"
        sim = subprocess.Popen(
            [sys.executable, "-m", "drivers.idcard.simulator", "--card", "none", "--link", str(link)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert sim.stdout is not None
            sim.stdout.readline()  # "simulated card reader on …"
            events: queue.Queue[CardEvent] = queue.Queue()
            poller = CardPoller(IdCardReader(str(link)), events.put)
            poller.start()
            time.sleep(1.0)  # settle: opened, SAM checked
            cpu0, wall0 = time.process_time(), time.perf_counter()
            time.sleep(seconds)
            share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
            poller.stop()
        finally:
            sim.terminate()
            sim.wait(10)
            if sim.stdout is not None:
                sim.stdout.close()
    return share


def section() -> list[str]:
    latencies = sorted(placement_latencies())
    median = statistics.median(latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    cpu = idle_cpu()
    verdict = "meets" if median <= TARGET_MEDIAN_S else "MISSES"
    cpu_verdict = "meets" if cpu <= TARGET_IDLE_CPU else "MISSES"
    return [
        "## ID card reader: card placed to parsed record, idle polling CPU",
        "",
        f"{len(latencies)} placements of a resident card on the simulated reader behind a real pty at "
        "115200 baud (answers paced like the wire); the poller asks every 0.1 s.",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        f"| median placed → record | {median * 1000:.0f} ms | ≤ {TARGET_MEDIAN_S * 1000:.0f} ms "
        f"| {verdict} |",
        f"| p95 placed → record | {p95 * 1000:.0f} ms | | |",
        f"| fastest / slowest | {latencies[0] * 1000:.0f} / {latencies[-1] * 1000:.0f} ms | | |",
        f"| poller CPU while idle | {cpu * 100:.2f} % of a core | ≤ {TARGET_IDLE_CPU * 100:.0f} % "
        f"| {cpu_verdict} |",
        "",
    ]
