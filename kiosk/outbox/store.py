"""SQLite outbox (``synchronous=FULL``): every state change is one committed transaction, so a
``kill -9`` or a power cut at any moment leaves each item either not yet recorded (the member saw no
confirmation) or recorded with its key (it will be delivered under that key, and only that key).

States: ``pending`` (not yet acknowledged), ``unknown`` (sent, outcome unknown: ask before anything
else), ``done`` (the back end acknowledged; body wiped), ``refused`` (a rule said no; body wiped),
``needs_person`` (older than the back end keeps keys: a person must look, never a silent re-send).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class State(StrEnum):
    PENDING = "pending"
    UNKNOWN = "unknown"
    DONE = "done"
    REFUSED = "refused"
    NEEDS_PERSON = "needs_person"


OPEN_STATES = (State.PENDING, State.UNKNOWN)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT,
    token TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    result TEXT,
    proof TEXT,
    aged_s REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_open ON outbox (state, id);
"""
# Columns added after the first release: an outbox written by an older kiosk gains them on open.
_ADDED_COLUMNS = {"proof": "TEXT", "aged_s": "REAL NOT NULL DEFAULT 0"}


class OutboxFull(RuntimeError):
    """The disk refused the write: the member must be told nothing was submitted."""


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    kind: str
    path: str
    body: Any
    token: str | None  # the member session's bearer token the operation was authorised under
    created_at: float
    state: State
    attempts: int
    last_error: str | None
    result: Any
    # Headers proving when the member confirmed (device-signed), sent with every delivery: the back
    # end accepts the withdrawal after the session expired if it was confirmed while it was valid.
    proof: dict[str, str] | None = None
    aged_s: float = 0.0  # monotonic seconds the item has been open while a sender ran

    @property
    def age_s(self) -> float:
        """How long the item has waited: the wall clock's word, but never less than the time a sender
        has watched it wait on the monotonic clock (a wall clock set back cannot make an item young)."""
        return max(time.time() - self.created_at, self.aged_s)


class Outbox:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = path
        self._lock = threading.Lock()
        old_umask = os.umask(0o077)  # bank cards wait in here: owner only, database and its WAL alike
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA secure_delete=ON")  # wiped bodies are overwritten, not just unlinked
            self._db.executescript(_SCHEMA)
            present = {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}
            for column, kind in _ADDED_COLUMNS.items():
                if column not in present:
                    self._db.execute(f"ALTER TABLE outbox ADD COLUMN {column} {kind}")
        finally:
            os.umask(old_umask)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.chmod(f"{path}{suffix}", 0o600)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def enqueue(
        self,
        kind: str,
        path: str,
        body: Any,
        key: str | None = None,
        session_token: str | None = None,
        *,
        proof: dict[str, str] | None = None,
    ) -> Item:
        """Record an operation with a fresh Idempotency-Key; returns only once it is on disk."""
        key = key or str(uuid.uuid4())
        now = time.time()
        try:
            with self._tx() as db:
                db.execute(
                    "INSERT INTO outbox"
                    " (idempotency_key, kind, path, body, token, created_at, updated_at, state, proof)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        kind,
                        path,
                        json.dumps(body, ensure_ascii=False),
                        session_token,
                        now,
                        now,
                        State.PENDING,
                        json.dumps(proof) if proof is not None else None,
                    ),
                )
        except sqlite3.OperationalError as exc:  # disk full, read-only, I/O error
            raise OutboxFull(f"outbox {self.path} cannot record the operation: {exc}") from exc
        item = self.get(key)
        if item is None:  # cannot happen after a committed insert; never return a half-truth
            raise OutboxFull(f"outbox {self.path} lost the operation it just recorded")
        return item

    def get(self, key: str) -> Item | None:
        with self._lock:
            row = self._db.execute(_SELECT + " WHERE idempotency_key = ?", (key,)).fetchone()
        return _item(row) if row else None

    def open_items(self, limit: int = 100) -> list[Item]:
        with self._lock:
            rows = self._db.execute(
                _SELECT + " WHERE state IN (?, ?) ORDER BY id LIMIT ?", (*OPEN_STATES, limit)
            ).fetchall()
        return [_item(row) for row in rows]

    def items(self, state: State) -> list[Item]:
        with self._lock:
            rows = self._db.execute(_SELECT + " WHERE state = ? ORDER BY id", (state,)).fetchall()
        return [_item(row) for row in rows]

    def attempted(self, key: str, state: State, error: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, updated_at = ?"
                " WHERE idempotency_key = ? AND state IN (?, ?)",
                (state, error, time.time(), key, *OPEN_STATES),
            )

    def finish(self, key: str, state: State, result: Any) -> None:
        """A final state: the body (bank card and all) is wiped, the back end's answer kept."""
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET state = ?, result = ?, body = NULL, token = NULL, proof = NULL,"
                " updated_at = ?"
                " WHERE idempotency_key = ? AND state IN (?, ?)",  # a final state is never overwritten
                (state, json.dumps(result, ensure_ascii=False), time.time(), key, *OPEN_STATES),
            )
        with self._lock:  # old copies of the body in the write-ahead log go too
            busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:  # another connection is reading; the next finish truncates the log
            log.info("outbox log not truncated yet (a reader is busy)")

    def add_age(self, seconds: float) -> None:
        """Every open item has waited ``seconds`` more (measured on the monotonic clock)."""
        with self._tx() as db:
            db.execute("UPDATE outbox SET aged_s = aged_s + ? WHERE state IN (?, ?)", (seconds, *OPEN_STATES))

    def flag_for_person(self, key: str, why: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET state = ?, last_error = ?, updated_at = ?"
                " WHERE idempotency_key = ? AND state IN (?, ?)",
                (State.NEEDS_PERSON, why, time.time(), key, *OPEN_STATES),
            )

    def count(self, state: State) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM outbox WHERE state = ?", (state,)).fetchone()
        return int(count)

    def depth(self) -> int:
        with self._lock:
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM outbox WHERE state IN (?, ?)", OPEN_STATES
            ).fetchone()
        return int(count)

    def oldest_open_age_s(self) -> float | None:
        """The age (as :attr:`Item.age_s` counts it) of the longest-waiting open item."""
        with self._lock:
            (age,) = self._db.execute(
                "SELECT MAX(MAX(? - created_at, aged_s)) FROM outbox WHERE state IN (?, ?)",
                (time.time(), *OPEN_STATES),
            ).fetchone()
        return float(age) if age is not None else None

    def oldest_open_created_at(self) -> float | None:
        with self._lock:
            (oldest,) = self._db.execute(
                "SELECT MIN(created_at) FROM outbox WHERE state IN (?, ?)", OPEN_STATES
            ).fetchone()
        return float(oldest) if oldest is not None else None


_SELECT = (
    "SELECT idempotency_key, kind, path, body, token, created_at, state, attempts, last_error, result,"
    " proof, aged_s FROM outbox"
)


def _item(row: tuple[Any, ...]) -> Item:
    key, kind, path, body, token, created_at, state, attempts, last_error, result, proof, aged_s = row
    return Item(
        key=key,
        kind=kind,
        path=path,
        body=json.loads(body) if body is not None else None,
        token=token,
        created_at=created_at,
        state=State(state),
        attempts=attempts,
        last_error=last_error,
        result=json.loads(result) if result is not None else None,
        proof=json.loads(proof) if proof is not None else None,
        aged_s=aged_s,
    )
