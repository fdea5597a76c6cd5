"""Late outbox items: a withdrawal confirmed inside the member's session but first delivered after it
expired (or ended) is decided on the device's signed confirmation time, and only then."""

from __future__ import annotations

import uuid

import requests

from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.helpers import LIN, Kiosk, card_of

RENT = {"type": "rent", "amount_fen": 100000, "bank_card": card_of(LIN)}


def code(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def confirmed_then_late(
    server: ThreadServer, confirmed_after_s: float = 100
) -> tuple[Kiosk, str, dict[str, str]]:
    """A session opened now; the member confirms ``confirmed_after_s`` later; 10 minutes pass."""
    kiosk = server.kiosk()
    assert kiosk.open_session(LIN, now=server.clock()).status_code == 201
    server.clock.advance(seconds=confirmed_after_s)
    key = str(uuid.uuid4())
    proof = kiosk.submission_proof(key, RENT, server.clock())
    server.clock.advance(seconds=600 - confirmed_after_s)  # the session (300 s) has long expired
    return kiosk, key, proof


def test_a_withdrawal_confirmed_in_time_is_decided_after_the_session_expired(server: ThreadServer) -> None:
    kiosk, key, proof = confirmed_then_late(server)
    assert code(kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key})) == (401, "session_expired")
    paid = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}, **proof)
    assert paid.status_code == 201, paid.text
    assert paid.json()["status"] == "paid"
    again = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}, **proof)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    # Only withdrawals: the same session is no good for anything else.
    assert code(kiosk.get("v1/account", **proof)) == (401, "session_expired")


def test_an_ended_session_still_decides_a_withdrawal_confirmed_before_the_end(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    assert kiosk.open_session(LIN, now=server.clock()).status_code == 201
    key = str(uuid.uuid4())
    proof = kiosk.submission_proof(key, RENT, server.clock())
    server.clock.advance(seconds=30)
    assert kiosk.delete("v1/sessions/current").status_code == 204  # the member left
    assert code(kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key})) == (401, "session_invalid")
    assert kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}, **proof).status_code == 201
    second = str(uuid.uuid4())
    after = kiosk.submission_proof(second, RENT, server.clock())  # confirmed after the end
    late = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": second}, **after)
    assert code(late) == (401, "session_expired")
    assert late.json()["detail"]["reason"] == "confirmed_outside_session"


def test_a_confirmation_outside_the_session_is_refused(server: ThreadServer) -> None:
    kiosk, key, _proof = confirmed_then_late(server)
    outside = kiosk.submission_proof(key, RENT, server.clock())  # signed now: after the expiry
    refused = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}, **outside)
    assert code(refused) == (401, "session_expired")
    before = kiosk.submission_proof(key, RENT, server.clock().replace(year=2020))  # before it opened
    assert code(kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}, **before)) == (
        401,
        "session_expired",
    )


def test_forged_or_borrowed_confirmations_are_refused(server: ThreadServer) -> None:
    kiosk, key, proof = confirmed_then_late(server)
    headers = {"Idempotency-Key": key}
    earlier = {**proof, "X-Submitted-At": str(int(proof["X-Submitted-At"]) - 1)}  # a changed time
    assert code(kiosk.post("v1/withdrawals", RENT, **headers, **earlier)) == (403, "submission_proof_invalid")
    more = {**RENT, "amount_fen": 200000}  # another body under the same confirmation
    other_key = {"Idempotency-Key": str(uuid.uuid4())}
    assert code(kiosk.post("v1/withdrawals", more, **other_key, **proof)) == (403, "submission_proof_invalid")
    assert code(kiosk.post("v1/withdrawals", RENT, **other_key, **proof)) == (403, "submission_proof_invalid")
    stranger = server.kiosk()  # another kiosk's key signing this kiosk's confirmation
    theirs = stranger.submission_proof(key, RENT, server.clock())
    assert code(kiosk.post("v1/withdrawals", RENT, **headers, **theirs)) == (403, "submission_proof_invalid")
    half = {"X-Submitted-At": proof["X-Submitted-At"]}
    assert code(kiosk.post("v1/withdrawals", RENT, **headers, **half)) == (403, "submission_proof_invalid")
    # The other kiosk cannot use this kiosk's session, proof or not.
    stranger.token = kiosk.token
    own = stranger.submission_proof(key, RENT, server.clock())
    assert code(stranger.post("v1/withdrawals", RENT, **headers, **own)) == (403, "session_wrong_device")
    # After all that, the genuine confirmation still goes through: refusals released the key.
    assert kiosk.post("v1/withdrawals", RENT, **headers, **proof).status_code == 201


def test_a_confirmation_from_the_future_is_refused(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    assert kiosk.open_session(LIN, now=server.clock()).status_code == 201
    key = str(uuid.uuid4())
    server.clock.advance(seconds=290)
    future = kiosk.submission_proof(key, RENT, server.clock().replace(year=2099))
    server.clock.advance(seconds=20)
    refused = kiosk.post("v1/withdrawals", RENT, **{"Idempotency-Key": key}, **future)
    assert code(refused) == (403, "submission_proof_invalid")
