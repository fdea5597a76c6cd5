"""500 withdrawals from two kiosks through a fault proxy to the reference back end, each kiosk's sender
process SIGKILLed six times and restarted: each withdrawal paid exactly once by the back end's own
ledger, none lost, the outboxes empty, and the member-facing call never past its deadline.
(``python -m bench chaos`` runs a larger one, with heavier faults.)"""

from pathlib import Path

import pytest

from kiosk.embedded_backend import EmbeddedBackEnd
from tests.support.chaos import LIGHTER, run_chaos


@pytest.mark.timeout(280)
def test_chaos_through_the_reference_back_end(fundcenter: EmbeddedBackEnd, tmp_path: Path) -> None:
    report = run_chaos(fundcenter, tmp_path, count=500, kills=6, kiosks=2, seed=11, faults=LIGHTER)
    assert report.outbox_left == 0, report
    assert report.outbox_done == 500
    assert report.lost == 0
    assert report.duplicates == 0
    assert report.paid_once == 500
    assert report.mismatched == 0  # each kiosk result is the back end's answer for that key
    assert report.faults["cut"] > 0
    assert report.faults["drop"] > 0
    assert report.faults["blackhole"] > 0
    assert report.member_calls > 20  # timed while the senders were killed and restarted
    # The deadline itself, plus a little for a loaded machine to schedule the thread that enforces it.
    assert report.member_longest_s <= report.member_deadline_s + 0.25, report
