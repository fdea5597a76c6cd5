"""A withdrawal the member confirmed in time, first delivered after the session expired: the outbox
keeps the kiosk's signed confirmation with it, and the reference back end decides it on that."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox, State
from kiosk.outbox.submit import SUBMITTED_ZH, submit_withdrawal
from tests.fundcenter.conftest import ThreadServer, thread_server
from tests.fundcenter.helpers import LIN, Kiosk, card_of
from tests.support.fault_proxy import fault_proxy
from tests.support.outbox_worker import CHAOS_POLICY

RENT = {"type": "rent", "amount_fen": 100000, "bank_card": card_of(LIN)}
EARLIER_S = 600


def submitted_while_offline(server: ThreadServer, outbox: Outbox, proxy_url: str) -> tuple[Kiosk, str, int]:
    """The back end's clock and the kiosk's agree throughout: the visit happens 10 minutes ago (the
    kiosk signs on the back end's time), the network is down when the member confirms."""
    now = dt.datetime.now(dt.UTC)
    server.clock.current = now - dt.timedelta(seconds=EARLIER_S)
    kiosk = server.kiosk()
    assert kiosk.open_session(LIN, now=server.clock()).status_code == 201
    balance = kiosk.get("v1/account").json()["balance_fen"]
    server.clock.advance(seconds=100)  # the member confirms 100 s into the session
    at_screen = sender(kiosk, outbox, proxy_url)
    at_screen.client.clock_offset_s = -(EARLIER_S - 100)  # the kiosk signs on the back end's time
    outcome = submit_withdrawal(outbox, at_screen, RENT, kiosk.token)
    assert outcome.message_zh == SUBMITTED_ZH  # nothing got through: result by SMS
    at_screen.client.close()
    server.clock.current = dt.datetime.now(dt.UTC)  # ten minutes on: the 5-minute session has expired
    return kiosk, outcome.key, balance


def sender(kiosk: Kiosk, outbox: Outbox, url: str) -> OutboxSender:
    settings = ClientSettings(url, kiosk.device_id, signer=kiosk.signer(), breaker_failures=10**6)
    return OutboxSender(outbox, BackEndClient(settings), policy=CHAOS_POLICY)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadServer]:
    """The reference back end in a thread, with a clock the test moves."""
    with thread_server(tmp_path / "center") as running:
        yield running


def test_a_withdrawal_first_delivered_after_its_session_expired_is_paid_once(
    server: ThreadServer, tmp_path: Path
) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    with fault_proxy(server.url) as proxy:
        proxy.mode = "drop"
        kiosk, key, balance = submitted_while_offline(server, outbox, proxy.url)
        stored = outbox.get(key)
        assert stored is not None
        assert stored.proof is not None
        assert set(stored.proof) == {"X-Submitted-At", "X-Submission-Signature"}
        proxy.mode = "pass"
        assert sender(kiosk, outbox, proxy.url).drain_once().delivered == 1
    done = outbox.get(key)
    assert done is not None
    assert done.state is State.DONE
    assert done.result["status"] == "paid"
    assert done.proof is None  # wiped with the body
    assert server.balance_of(LIN) == balance - RENT["amount_fen"]  # type: ignore[operator]
    outbox.close()


def test_an_altered_confirmation_keeps_the_item_open_for_a_person(
    server: ThreadServer, tmp_path: Path
) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    with fault_proxy(server.url) as proxy:
        proxy.mode = "drop"
        kiosk, key, balance = submitted_while_offline(server, outbox, proxy.url)
        item = outbox.get(key)
        assert item is not None
        assert item.proof is not None
        moved = {**item.proof, "X-Submitted-At": str(int(item.proof["X-Submitted-At"]) - 60)}
        with sqlite3.connect(tmp_path / "outbox.db") as db:
            db.execute("UPDATE outbox SET proof = ? WHERE idempotency_key = ?", (json.dumps(moved), key))
        proxy.mode = "pass"
        assert sender(kiosk, outbox, proxy.url).drain_once().delivered == 0
    left = outbox.get(key)
    assert left is not None
    assert left.state in (State.PENDING, State.UNKNOWN)
    assert "submission_proof_invalid" in (left.last_error or "")
    assert left.body == RENT  # nothing wiped
    assert server.balance_of(LIN) == balance
    outbox.close()
