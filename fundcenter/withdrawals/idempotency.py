"""The Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header), server side.

- A key is scoped to the device that sent it and kept ``Settings.idempotency_ttl_days`` (30 days by
  default, at least 7: longer than a kiosk may stay offline with an unsent outbox item).
- Missing key: 400 ``idempotency_key_missing``. Same key, different request: 422
  ``idempotency_key_reused``. Same key while the first is still being processed: 409
  ``idempotency_key_in_progress``. Same key, same request, after it finished: the first response again,
  with ``Idempotent-Replayed: true``.
- Claiming a key is an INSERT under a unique constraint, so two racing requests, in one process or
  many, cannot both proceed. The business transaction marks the key done in the same commit, fenced by
  the claim's ``lock_token``: a claim whose process died is taken over after ``idempotency_lease_s``
  without any risk of a double effect, because the dead one's effects were never committed.
- Answers that say nothing about the request (5xx, session errors) are not stored: the key is released.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundcenter.db import reading, writing
from fundcenter.errors import ApiError, Code
from fundcenter.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
_KEY = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,255}$")  # printable ASCII, no quote or backslash


def parse_key(raw: str | None) -> str:
    """The key from the header: a Structured Field string (``"abc"``) or, leniently, a bare token."""
    if raw is None or not raw.strip():
        raise ApiError(Code.IDEMPOTENCY_KEY_MISSING)
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not _KEY.match(value):
        raise ApiError(Code.IDEMPOTENCY_KEY_INVALID, detail={"max_length": 255})
    return value


def fingerprint(method: str, path: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Replay:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Claim:
    record_id: int
    lock_token: str


def _find(session: Session, device_id: str, key: str) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.device_id == device_id, IdempotencyRecord.key == key
        )
    ).one_or_none()


def claim(
    engine: Engine,
    *,
    device_id: str,
    key: str,
    print_: str,
    now: dt.datetime,
    ttl: dt.timedelta,
    lease: dt.timedelta,
) -> Claim | Replay:
    """Take the key for this request, or say what to answer instead (replay, 409, 422)."""
    for _attempt in range(2):  # a lost INSERT race on PostgreSQL is retried once as a lookup
        try:
            with writing(engine) as session:
                record = _find(session, device_id, key)
                if record is not None and record.expires_at <= now:
                    session.delete(record)
                    session.flush()
                    record = None
                token = secrets.token_hex(16)
                if record is None:
                    record = IdempotencyRecord(
                        device_id=device_id,
                        key=key,
                        fingerprint=print_,
                        state="running",
                        lock_token=token,
                        locked_at=now,
                        created_at=now,
                        expires_at=now + ttl,
                    )
                    session.add(record)
                    session.flush()
                    return Claim(record.id, token)
                if record.fingerprint != print_:
                    raise ApiError(Code.IDEMPOTENCY_KEY_REUSED)
                if record.state == "done" and record.response_status is not None:
                    return Replay(record.response_status, json.loads(record.response_body or "null"))
                if record.locked_at > now - lease:
                    raise ApiError(Code.IDEMPOTENCY_KEY_IN_PROGRESS)
                record.lock_token, record.locked_at = token, now  # the first holder died: take over
                return Claim(record.id, token)
        except IntegrityError:
            continue
    raise ApiError(Code.IDEMPOTENCY_KEY_IN_PROGRESS)


def complete(
    session: Session,
    held: Claim,
    *,
    status: int,
    body: dict[str, Any],
    member_id: int | None,
    withdrawal_id: int | None,
) -> None:
    """Store the final answer inside the business transaction; fails if the claim was taken over."""
    done = session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == held.record_id, IdempotencyRecord.lock_token == held.lock_token)
        .values(
            state="done",
            lock_token=None,
            response_status=status,
            response_body=json.dumps(body, ensure_ascii=False),
            member_id=member_id,
            withdrawal_id=withdrawal_id,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(Code.IDEMPOTENCY_KEY_IN_PROGRESS)


def release(engine: Engine, held: Claim) -> None:
    """Forget a claim whose request produced no stored answer, so the client may retry the key."""
    with writing(engine) as session:
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == held.record_id, IdempotencyRecord.lock_token == held.lock_token
            )
        )


def lookup(engine: Engine, device_id: str, key: str, now: dt.datetime) -> IdempotencyRecord | None:
    with reading(engine) as session:
        record = _find(session, device_id, key)
    return record if record is not None and record.expires_at > now else None


def purge_expired(engine: Engine, now: dt.datetime) -> int:
    with writing(engine) as session:
        gone = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
    return int(gone.rowcount)  # type: ignore[attr-defined]
