import sqlite3
from pathlib import Path

import pytest

from kiosk.outbox.store import Outbox, OutboxFull, State

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
