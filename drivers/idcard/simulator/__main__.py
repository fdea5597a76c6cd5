"""``python -m drivers.idcard.simulator``: a simulated reader on a pty, for people and the demo."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from drivers.idcard.simulator.engine import FAULT_NAMES, Faults, SimulatedReader
from drivers.idcard.simulator.people import demo_cards, sample_cards
from drivers.idcard.simulator.pty import PtySimulator


def main() -> int:
    cards = {**sample_cards(), **demo_cards()}
    parser = argparse.ArgumentParser(description="Serve a simulated GA/T 467 ID card reader on a pty.")
    parser.add_argument(
        "--card",
        default="resident",
        help=f"a kind ({', '.join(sample_cards())}), a demo member's ID number, or 'none'",
    )
    parser.add_argument("--fault", action="append", default=[], choices=FAULT_NAMES)
    parser.add_argument("--link", type=Path, help="also make this stable path point at the pty")
    args = parser.parse_args()
    if args.card != "none" and args.card not in cards:
        parser.error(f"unknown card {args.card!r}")
    reader = SimulatedReader(None if args.card == "none" else cards[args.card], Faults.named(*args.fault))
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with PtySimulator(reader, link=args.link) as sim:
        print(f"simulated card reader on {sim.link or sim.path} (Ctrl+C stops)", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
