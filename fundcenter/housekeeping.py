"""Forget what the back end no longer needs: expired Idempotency-Keys and ended or expired sessions.

Runs at every start of ``fundcenter serve`` (and from ``fundcenter purge``). Withdrawals, ledger
entries and certificates are records and are never purged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, delete, or_

from fundcenter.db import writing
from fundcenter.models import MemberSession
from fundcenter.withdrawals import idempotency

SESSION_AUDIT_DAYS = 180  # sessions (with their verification evidence) are kept this long for audits


@dataclass(frozen=True)
class Purged:
    idempotency_keys: int
    sessions: int


def purge(engine: Engine, now: dt.datetime) -> Purged:
    keys = idempotency.purge_expired(engine, now)
    cutoff = now - dt.timedelta(days=SESSION_AUDIT_DAYS)
    with writing(engine) as session:
        gone = session.execute(
            delete(MemberSession).where(
                or_(MemberSession.expires_at < cutoff, MemberSession.ended_at < cutoff)
            )
        )
    return Purged(keys, int(gone.rowcount))  # type: ignore[attr-defined]
