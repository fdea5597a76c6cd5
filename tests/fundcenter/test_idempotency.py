"""Idempotency-Key per the IETF draft, against real servers (thread server and child process)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundcenter.models import LedgerEntry, Withdrawal
from fundcenter.withdrawals import idempotency
from fundcenter.withdrawals.service import WithdrawalRequest, request_fingerprint
from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.conftest import ThreadServer, new_kiosk
from tests.fundcenter.helpers import LIN, TIMEOUT, ZHOU, card_of

RENT = {"type": "rent", "amount_fen": 120000, "bank_card": card_of(LIN)}


def test_missing_and_malformed_keys(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    missing = kiosk.post("v1/withdrawals", RENT)
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_missing")
    bad = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": "has space"})
    assert (bad.status_code, bad.json()["code"]) == (400, "idempotency_key_invalid")
    quoted = kiosk.post(
        "v1/withdrawals", RENT, **{"Idempotency-Key": '"8e03978e-40d5-43e8-bc93-6894a57f9324"'}
    )
    assert quoted.status_code == 201


def test_replay_returns_the_first_response(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    key = str(uuid.uuid4())
    first = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key})
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    # Retried later: the session has expired meanwhile, yet the outbox learns the outcome.
    server.clock.advance(hours=6)
    again = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    with Session(server.engine) as session:
        assert session.scalar(select(func.count()).select_from(Withdrawal)) == 1
    by_key = kiosk.get(f"v1/withdrawals/by-key/{key}").json()
    assert (by_key["state"], by_key["response_status"]) == ("done", 201)
    assert by_key["response"] == first.json()
    unknown = kiosk.get(f"v1/withdrawals/by-key/{uuid.uuid4()}")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "withdrawal_not_found")


def test_refusals_are_replayed_too(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    key = str(uuid.uuid4())
    over = {**RENT, "amount_fen": 999999}
    first = kiosk.post("v1/withdrawals", over, **{"Idempotency-Key": key})
    assert (first.status_code, first.json()["code"]) == (422, "withdrawal_over_limit")
    again = kiosk.post("v1/withdrawals", over, **{"Idempotency-Key": key})
    assert (again.status_code, again.json()) == (422, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"


def test_same_key_different_body_is_422(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    key = str(uuid.uuid4())
    assert kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}).status_code == 201
    other = kiosk.post("v1/withdrawals", {**RENT, "amount_fen": 1000}, **{"Idempotency-Key": key})
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    # Keys belong to a device: another kiosk may use the same string for its own request.
    second = server.kiosk()
    second.open_session(LIN, now=server.clock())
    assert (
        second.post("v1/withdrawals", {**RENT, "amount_fen": 1000}, **{"Idempotency-Key": key}).status_code
        == 201
    )


def test_key_still_running_is_409_until_its_lease_runs_out(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    key = str(uuid.uuid4())
    # A first request for this key is in flight (its claim is taken, its transaction not committed).
    held = idempotency.claim(
        server.engine,
        device_id=kiosk.device_id,
        key=key,
        print_=request_fingerprint(WithdrawalRequest.model_validate(RENT)),
        now=server.clock(),
        ttl=dt.timedelta(days=30),
        lease=dt.timedelta(seconds=60),
    )
    assert isinstance(held, idempotency.Claim)
    busy = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key})
    assert (busy.status_code, busy.json()["code"]) == (409, "idempotency_key_in_progress")
    assert kiosk.get(f"v1/withdrawals/by-key/{key}").json()["state"] == "running"
    # The first holder died: after the lease, a retry takes the key over and is carried out once.
    server.clock.advance(seconds=61)
    kiosk.open_session(LIN, now=server.clock())
    assert kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}).status_code == 201


def test_failed_session_releases_the_key(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    key = str(uuid.uuid4())
    no_session = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key})
    assert (no_session.status_code, no_session.json()["code"]) == (401, "session_missing")
    kiosk.open_session(LIN, now=server.clock())
    assert kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}).status_code == 201


def test_keys_expire_after_the_documented_lifetime(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    key = str(uuid.uuid4())
    assert kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}).status_code == 201
    server.clock.advance(days=29)
    assert kiosk.get(f"v1/withdrawals/by-key/{key}").status_code == 200
    server.clock.advance(days=2)
    assert kiosk.get(f"v1/withdrawals/by-key/{key}").status_code == 404


def test_concurrent_duplicates_pay_exactly_once(fundcenter: EmbeddedBackEnd) -> None:
    """Sixteen threads send the same withdrawal with the same key at once to the real server."""
    kiosk = new_kiosk(fundcenter)
    assert kiosk.open_session(ZHOU).status_code == 201
    body = {"type": "loan_repayment", "amount_fen": 12345, "bank_card": card_of(ZHOU)}
    key = str(uuid.uuid4())
    before = kiosk.get("v1/account").json()["balance_fen"]
    start = threading.Barrier(16)
    results: list[tuple[int, dict[str, Any], bool]] = []
    lock = threading.Lock()

    def send() -> None:
        start.wait()
        with requests.Session() as http:
            r = kiosk.request("POST", "v1/withdrawals", body, http=http, **{"Idempotency-Key": key})
        with lock:
            results.append((r.status_code, r.json(), r.headers.get("Idempotent-Replayed") == "true"))

    threads = [threading.Thread(target=send) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert len(results) == 16
    statuses = sorted(status for status, _, _ in results)
    assert set(statuses) <= {201, 409}
    created = [b for s, b, replayed in results if s == 201 and not replayed]
    assert len(created) == 1
    assert all(b == created[0] for s, b, _ in results if s == 201)
    assert all(b["code"] == "idempotency_key_in_progress" for s, b, _ in results if s == 409)
    after = kiosk.get("v1/account").json()["balance_fen"]
    assert after == before - 12345
    final = kiosk.get(f"v1/withdrawals/by-key/{key}").json()
    assert final["response"] == created[0]
    # And different keys racing for the same money never overdraw: the ledger stays consistent.
    moves = kiosk.get("v1/account/transactions?limit=200").json()
    assert sum(1 for m in moves if m["kind"] == "withdrawal" and m["amount_fen"] == -12345) == 1


def test_ledger_has_one_entry_per_paid_withdrawal(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    for _ in range(3):
        assert (
            kiosk.post(
                "v1/withdrawals", {**RENT, "amount_fen": 100}, **{"Idempotency-Key": str(uuid.uuid4())}
            ).status_code
            == 201
        )
    with Session(server.engine) as session:
        entries = session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "withdrawal")
        )
        paid = session.scalar(select(func.count()).select_from(Withdrawal).where(Withdrawal.status == "paid"))
    assert entries == paid == 3
    assert requests.get(f"{server.url}healthz", timeout=TIMEOUT).status_code == 200


def test_housekeeping_purges_only_expired_keys(server: ThreadServer) -> None:
    from fundcenter import housekeeping
    from fundcenter.models import IdempotencyRecord

    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    assert kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": "old-key"}).status_code == 201
    server.clock.advance(days=20)
    kiosk.open_session(LIN, now=server.clock())
    assert (
        kiosk.post("v1/withdrawals", {**RENT, "amount_fen": 50}, **{"Idempotency-Key": "new-key"}).status_code
        == 201
    )
    server.clock.advance(days=11)
    purged = housekeeping.purge(server.engine, server.clock())
    assert purged.idempotency_keys == 1
    with Session(server.engine) as session:
        assert list(session.scalars(select(IdempotencyRecord.key))) == ["new-key"]
        assert session.scalar(select(func.count()).select_from(Withdrawal)) == 2  # records stay
