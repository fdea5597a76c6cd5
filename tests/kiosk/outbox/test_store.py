import socket
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox, OutboxFull, State
from tests.support.outbox_worker import CHAOS_POLICY

BODY = {"type": "rent", "amount_fen": 150000, "bank_card": "6222021234567890128"}


def test_an_item_is_on_disk_with_its_key_before_enqueue_returns(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    item = outbox.enqueue("withdrawal", "api/v1/withdrawals", BODY)
    assert item.state is State.PENDING
    assert len(item.key) == 36
    # Another connection (as after a restart) sees it, key and body intact.
    again = Outbox(tmp_path / "outbox.db")
    assert again.get(item.key) == item
    assert again.depth() == 1
    with sqlite3.connect(tmp_path / "outbox.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    outbox.close()
    again.close()


def test_final_states_wipe_the_body(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    done = outbox.enqueue("withdrawal", "p", BODY)
    refused = outbox.enqueue("withdrawal", "p", BODY)
    outbox.finish(done.key, State.DONE, {"receipt": "R1"})
    outbox.finish(refused.key, State.REFUSED, {"code": "withdrawal.rent_cap_exceeded"})
    assert outbox.get(done.key).body is None  # type: ignore[union-attr]
    assert outbox.get(done.key).result == {"receipt": "R1"}  # type: ignore[union-attr]
    assert outbox.depth() == 0
    assert outbox.oldest_open_created_at() is None
    files = [tmp_path / "outbox.db", tmp_path / "outbox.db-wal"]
    on_disk = b"".join(f.read_bytes() for f in files if f.exists())
    assert b"6222021234567890128" not in on_disk  # no copy of the bank card left in the file or log
    assert b"R1" in on_disk
    outbox.close()


def test_attempts_and_open_items_in_order(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    keys = [outbox.enqueue("withdrawal", "p", {"n": n}).key for n in range(3)]
    outbox.attempted(keys[0], State.UNKNOWN, "cut mid-response")
    items = outbox.open_items()
    assert [i.key for i in items] == keys
    assert items[0].state is State.UNKNOWN
    assert items[0].attempts == 1
    assert items[0].last_error == "cut mid-response"
    outbox.flag_for_person(keys[1], "too old")
    assert [i.key for i in outbox.items(State.NEEDS_PERSON)] == [keys[1]]
    assert outbox.depth() == 2
    outbox.close()


def test_a_full_disk_is_a_clear_error_and_nothing_half_written(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.enqueue("withdrawal", "p", {"n": 0})
    with outbox._lock:
        pages = outbox._db.execute("PRAGMA page_count").fetchone()[0]
        outbox._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
    with pytest.raises(OutboxFull, match="cannot record"):
        outbox.enqueue("withdrawal", "p", {"blob": "x" * 20000})
    assert outbox.depth() == 1
    outbox.close()


def test_a_wall_clock_set_back_cannot_make_an_item_young(tmp_path: Path) -> None:
    """The sender ages open items on the monotonic clock; an item whose wall-clock age says "just now"
    (the clock was set back an hour after it was recorded) is still flagged once it has waited."""
    outbox = Outbox(tmp_path / "outbox.db")
    item = outbox.enqueue("withdrawal", "p", BODY)
    with sqlite3.connect(tmp_path / "outbox.db") as db:  # recorded "an hour from now"
        db.execute("UPDATE outbox SET created_at = created_at + 3600 WHERE idempotency_key = ?", (item.key,))
    with socket.socket() as sock:  # a port where nothing listens: every delivery fails at once
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    client = BackEndClient(ClientSettings(base_url=dead, device_id="KIOSK-0001", breaker_failures=10**6))
    sender = OutboxSender(outbox, client, key_lifetime_s=1.5, policy=CHAOS_POLICY)
    deadline = time.monotonic() + 20
    while outbox.count(State.NEEDS_PERSON) == 0 and time.monotonic() < deadline:
        sender.drain_once()
        time.sleep(0.3)
    flagged = outbox.get(item.key)
    assert flagged is not None
    assert flagged.state is State.NEEDS_PERSON
    assert flagged.aged_s >= 1.5
    other = outbox.enqueue("withdrawal", "p", BODY)
    with sqlite3.connect(tmp_path / "outbox.db") as db:
        db.execute(
            "UPDATE outbox SET created_at = created_at + 3600, aged_s = 42 WHERE idempotency_key = ?",
            (other.key,),
        )
    assert outbox.oldest_open_age_s() == 42  # what the health check reports, not a negative wall age
    assert time.time() - flagged.created_at < 0  # the wall clock alone would call it unborn
    client.close()
    outbox.close()


def test_an_outbox_from_before_proofs_and_ageing_gains_the_columns(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "outbox.db") as db:
        db.execute(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE,"
            " kind TEXT NOT NULL, path TEXT NOT NULL, body TEXT, token TEXT, created_at REAL NOT NULL,"
            " updated_at REAL NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
            " last_error TEXT, result TEXT)"
        )
        db.execute(
            "INSERT INTO outbox (idempotency_key, kind, path, body, created_at, updated_at, state)"
            " VALUES ('k-old', 'withdrawal', 'p', '{}', 1, 1, 'pending')"
        )
    outbox = Outbox(tmp_path / "outbox.db")
    old = outbox.get("k-old")
    assert old is not None
    assert (old.proof, old.aged_s) == (None, 0.0)
    outbox.add_age(2.0)
    assert outbox.get("k-old").aged_s == 2.0  # type: ignore[union-attr]
    outbox.close()
