"""Exactly once under chaos, larger than the test: withdrawals from several kiosks through a fault proxy
to a real ``fundcenter serve``, the kiosks' sender processes SIGKILLed and restarted again and again.

Reports what the back end's own ledger says (duplicates and losses must both be 0), the time from the
first sender's start to empty outboxes, and the longest member-facing call against its deadline.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kiosk.embedded_backend import EmbeddedBackEnd
from tests.support.chaos import ChaosReport, Faults, run_chaos

WITHDRAWALS = 2000
KIOSKS = 2
KILLS = 10  # per kiosk
FAULTS = Faults()  # about every second request faulted, delays up to 1.5 s


def measure() -> tuple[ChaosReport, float]:
    with tempfile.TemporaryDirectory(prefix="chaos-bench-") as tmp:
        back_end = EmbeddedBackEnd(Path(tmp) / "fundcenter", port=0)
        back_end.start()
        try:
            report = run_chaos(
                back_end,
                Path(tmp) / "kiosks",
                count=WITHDRAWALS,
                kills=KILLS,
                kiosks=KIOSKS,
                seed=12329,
                faults=FAULTS,
                drain_timeout_s=1800,
            )
        finally:
            back_end.stop()
    return report, os.getloadavg()[0]


def _within(value_s: float, deadline_s: float) -> str:
    return "meets" if value_s <= deadline_s else f"over by {value_s - deadline_s:.2f} s"


def section() -> list[str]:
    r, load = measure()
    faulted = sum(n for mode, n in r.faults.items() if mode != "pass")
    requests = sum(r.faults.values())
    ok = r.duplicates == 0 and r.lost == 0 and r.outbox_left == 0 and r.mismatched == 0
    weights = ", ".join(f"{mode} {w:g}" for mode, w in FAULTS.weights.items())
    return [
        "## Outbox chaos through the reference back end: exactly once",
        "",
        f"{r.withdrawals:,} withdrawals (loan repayments, one member session per kiosk, each with the "
        f"kiosk's signed confirmation) from {KIOSKS} kiosks' outboxes, through the fault proxy to "
        "`fundcenter serve` (SQLite). Each kiosk's sender process was SIGKILLed "
        f"{r.kills} times at random moments (1–3 s lives) and restarted; the last one ran, still under "
        "faults, until its outbox was empty. Verdicts from the back end's ledger (payouts per "
        f"Idempotency-Key). Fault weights: {weights}; delays {FAULTS.delay_s[0]:g}–{FAULTS.delay_s[1]:g} s. "
        f"Load average (1 min) at the end: {load:.1f}.",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        f"| paid twice or more (duplicates) | {r.duplicates} | 0 "
        f"| {'meets' if r.duplicates == 0 else 'MISSES'} |",
        f"| never paid (losses) | {r.lost} | 0 | {'meets' if r.lost == 0 else 'MISSES'} |",
        f"| left in the outboxes | {r.outbox_left} | 0 | {'meets' if r.outbox_left == 0 else 'MISSES'} |",
        f"| kiosk result differs from the back end's answer | {r.mismatched} | 0 | "
        f"{'meets' if r.mismatched == 0 else 'MISSES'} |",
        f"| time to drain (first sender start → outboxes empty) | {r.drain_s:.0f} s | | |",
        f"| delivered per second under chaos | {r.withdrawals / r.drain_s:.1f} | | |",
        f"| requests through the proxy / faulted | {requests:,} / {faulted:,} | | |",
        f"| member-facing calls timed meanwhile | {r.member_calls} | | |",
        f"| longest member-facing call | {r.member_longest_s:.2f} s "
        f"| ≤ {r.member_deadline_s:.1f} s deadline "
        f"| {_within(r.member_longest_s, r.member_deadline_s)} |",
        "",
        "Faults drawn: "
        + ", ".join(f"{mode} {n:,}" for mode, n in r.faults.items())
        + ". "
        + ("Exactly once held." if ok else "EXACTLY ONCE FAILED."),
    ]
