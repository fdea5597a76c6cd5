"""Exactly once: through faults, cut answers, refusals and SIGKILLs, every withdrawal is paid once."""

import contextlib
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.client.errors import BackEndError
from kiosk.client.policy import TransportPolicy
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox, State
from tests.support.fake_withdrawals import fake_withdrawals
from tests.support.fault_proxy import fault_proxy
from tests.support.outbox_worker import CHAOS_POLICY
from tests.support.scripted_server import Answer, Script, scripted_server

PATH = "v1/withdrawals"
PAID = {"status": "paid", "receipt": "R000009"}


def sender_for(outbox: Outbox, url: str, **kwargs: object) -> OutboxSender:
    client = BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001", breaker_failures=10**6))
    return OutboxSender(outbox, client, policy=CHAOS_POLICY, **kwargs)  # type: ignore[arg-type]


def test_delivery_through_a_cut_answer_pays_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    item = outbox.enqueue("withdrawal", PATH, {"amount_fen": 100})
    with fake_withdrawals() as (url, ledger), fault_proxy(url) as proxy:
        sender = sender_for(outbox, proxy.url)
        proxy.mode = "cut"  # the back end pays, the kiosk hears half an answer
        assert sender.deliver(outbox.get(item.key)) is State.UNKNOWN  # type: ignore[arg-type]
        proxy.mode = "pass"
        assert sender.drain_once().delivered == 1
    assert ledger.payouts[item.key] == 1
    assert outbox.get(item.key).state is State.DONE  # type: ignore[union-attr]
    assert outbox.get(item.key).result["status"] == "paid"  # type: ignore[union-attr,index]
    outbox.close()


def test_an_unknown_outcome_is_asked_about_before_anything_is_resent(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    item = outbox.enqueue("withdrawal", PATH, {"amount_fen": 100})
    outbox.attempted(item.key, State.UNKNOWN, "cut")
    script = Script(
        Answer(200, json.dumps({"state": "done", "response_status": 201, "response": PAID}).encode())
    )
    with scripted_server(script) as url:
        assert sender_for(outbox, url).drain_once().delivered == 1
    assert [(s.method, s.path) for s in script.seen] == [("GET", f"/{PATH}/by-key/{item.key}")]
    assert outbox.get(item.key).result == PAID  # type: ignore[union-attr]
    outbox.close()


def test_a_refusal_is_final_and_an_old_item_goes_to_a_person(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    refused = outbox.enqueue("withdrawal", PATH, {"amount_fen": 10**9})
    script = Script(
        Answer(422, '{"code": "withdrawal.over_balance", "message": "提取金额超过可提取余额"}'.encode())
    )
    with scripted_server(script) as url:
        report = sender_for(outbox, url).drain_once()
        assert report.refused == 1
        old = outbox.enqueue("withdrawal", PATH, {"amount_fen": 1})
        assert sender_for(outbox, url, key_lifetime_s=0).drain_once().flagged == 1
    assert outbox.get(refused.key).result == {
        "code": "withdrawal.over_balance",
        "message": "提取金额超过可提取余额",
    }  # type: ignore[union-attr]
    assert outbox.get(old.key).state is State.NEEDS_PERSON  # type: ignore[union-attr]
    assert len(script.seen) == 1  # the old item was never re-sent
    outbox.close()


@pytest.mark.timeout(240)
def test_chaos_kills_and_faults_lose_nothing_and_pay_nothing_twice(tmp_path: Path) -> None:
    db = tmp_path / "outbox.db"
    outbox = Outbox(db)
    keys = [outbox.enqueue("withdrawal", PATH, {"amount_fen": 100 + n, "n": n}).key for n in range(150)]
    weights = {"pass": 5, "drop": 1, "delay": 1, "cut": 2, "blackhole": 0.3}
    rng = random.Random(7)  # noqa: S311 (test timing, not secrets)
    with fake_withdrawals() as (url, ledger), fault_proxy(url, weights, seed=7) as proxy:
        for _ in range(6):
            worker = subprocess.Popen(
                [sys.executable, "-m", "tests.support.outbox_worker", str(db), proxy.url]
            )
            time.sleep(rng.uniform(0.5, 1.5))
            worker.send_signal(signal.SIGKILL)  # power cut: no cleanup, at any point of a delivery
            worker.wait(10)
        # Member-facing calls through the same faults never outlast their deadline.
        member = BackEndClient(
            ClientSettings(base_url=proxy.url, device_id="KIOSK-0001", breaker_failures=10**6)
        )
        policy = TransportPolicy(
            connect_timeout_s=0.5, read_timeout_s=1.0, deadline_s=2.0, retry=CHAOS_POLICY.retry
        )
        longest = 0.0
        for _ in range(20):
            started = time.monotonic()
            with contextlib.suppress(BackEndError):  # any typed failure will do: the time is measured
                member.request("GET", f"{PATH}/by-key/{keys[0]}", policy=policy)
            longest = max(longest, time.monotonic() - started)
        member.close()
        proxy.mode = "pass"
        sender = sender_for(outbox, proxy.url)
        for _ in range(20):
            if outbox.depth() == 0:
                break
            sender.drain_once()
    assert longest <= policy.deadline_s + 0.5
    assert outbox.depth() == 0
    assert all(outbox.get(k).state is State.DONE for k in keys)  # type: ignore[union-attr]
    assert set(ledger.payouts) == set(keys)  # none lost
    assert max(ledger.payouts.values()) == 1  # none paid twice
    assert proxy.counts["cut"] > 0
    assert proxy.counts["drop"] > 0
    outbox.close()


def test_answers_that_decide_nothing_keep_the_item_open(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    pending = outbox.enqueue("withdrawal", PATH, {"amount_fen": 100})
    unknown = outbox.enqueue("withdrawal", PATH, {"amount_fen": 200})
    outbox.attempted(unknown.key, State.UNKNOWN, "cut")
    busy = Answer(429, b'{"code": "rate_limited", "message": "busy"}', headers={"Retry-After": "0"})
    script = Script(default=busy)
    with scripted_server(script) as url:
        sender = sender_for(outbox, url)
        assert sender.deliver(outbox.get(unknown.key)) is State.UNKNOWN  # type: ignore[arg-type]
        assert sender.deliver(outbox.get(pending.key)) is State.UNKNOWN  # type: ignore[arg-type]
    for key in (pending.key, unknown.key):
        item = outbox.get(key)
        assert item is not None
        assert item.state is State.UNKNOWN
        assert item.body is not None  # nothing wiped: the withdrawal is still there to deliver
    outbox.close()


def test_a_final_state_is_never_overwritten_and_the_file_is_private(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    item = outbox.enqueue("withdrawal", PATH, {"amount_fen": 100})
    outbox.finish(item.key, State.DONE, {"receipt": "R1"})
    outbox.finish(item.key, State.REFUSED, {"code": "late"})  # a second, slower pass
    outbox.flag_for_person(item.key, "too old")
    assert outbox.get(item.key).state is State.DONE  # type: ignore[union-attr]
    assert outbox.get(item.key).result == {"receipt": "R1"}  # type: ignore[union-attr]
    for name in ("outbox.db", "outbox.db-wal"):
        if (tmp_path / name).exists():
            assert (tmp_path / name).stat().st_mode & 0o077 == 0, name
    outbox.close()
