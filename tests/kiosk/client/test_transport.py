"""Retries that never duplicate money, deadlines, refusals and the breaker, against a real server."""

import email.utils
import json
import socket
import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from fundcenter.devices.signatures import NonceCache, Presented, verify
from kiosk.client import errors
from kiosk.client.policy import TransportPolicy, default_retry
from kiosk.client.signing import Signer
from kiosk.client.transport import BackEndClient, ClientSettings
from tests.fundcenter.helpers import self_signed_pem
from tests.support.scripted_server import Answer, Script, scripted_server

FAST = TransportPolicy(
    connect_timeout_s=1.0,
    read_timeout_s=1.0,
    deadline_s=4.0,
    retry=default_retry().new(backoff_factor=0.01, backoff_jitter=0.0),
)


def envelope(code: str, message: str) -> bytes:
    return json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()


@pytest.fixture
def client() -> Iterator[BackEndClient]:
    made: list[BackEndClient] = []

    def make(url: str, **kwargs: object) -> BackEndClient:
        c = BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001", **kwargs))  # type: ignore[arg-type]
        made.append(c)
        return c

    yield make  # type: ignore[misc]
    for c in made:
        c.close()


def test_a_read_is_retried_through_server_faults(client) -> None:  # type: ignore[no-untyped-def]
    script = Script(Answer(503), Answer(502), Answer(200, b'{"balance_fen": 8650432}'))
    with scripted_server(script) as url:
        reply = client(url).request("GET", "api/v1/account", policy=FAST)
    assert reply.body == {"balance_fen": 8650432}
    assert len(script.seen) == 3


def test_a_post_without_a_key_is_never_repeated(client) -> None:  # type: ignore[no-untyped-def]
    script = Script(Answer(503), default=Answer(200))
    with scripted_server(script) as url, pytest.raises(errors.ServerFault):
        client(url).request("POST", "api/v1/withdrawals", body={"amount_fen": 100}, policy=FAST)
    assert len(script.seen) == 1


def test_a_post_with_a_key_is_repeated_under_the_same_key(client) -> None:  # type: ignore[no-untyped-def]
    script = Script(Answer(503), Answer(200, cut=True), Answer(201, b'{"status": "paid"}'))
    with scripted_server(script) as url:
        reply = client(url).request(
            "POST", "api/v1/withdrawals", body={"amount_fen": 100}, idempotency_key="k-42", policy=FAST
        )
    assert reply.status == 201
    assert [s.headers["Idempotency-Key"] for s in script.seen] == ["k-42", "k-42", "k-42"]
    assert len({s.body for s in script.seen}) == 1


def test_a_cut_answer_to_an_unkeyed_post_is_an_unknown_outcome(client) -> None:  # type: ignore[no-untyped-def]
    script = Script(Answer(200, b'{"status": "paid", "padding": "' + b"x" * 200 + b'"}', cut=True))
    with scripted_server(script) as url, pytest.raises(errors.OutcomeUnknown) as info:
        client(url).request("POST", "api/v1/withdrawals", body={"amount_fen": 100}, policy=FAST)
    assert "短信" in info.value.message_zh
    assert len(script.seen) == 1


def test_retry_after_is_honoured_but_capped(client) -> None:  # type: ignore[no-untyped-def]
    policy = FAST.with_deadline(6.0)
    policy = TransportPolicy(1.0, 1.0, 6.0, policy.retry.new(retry_after_max=1))
    script = Script(Answer(503, headers={"Retry-After": "21600"}), Answer(200))
    with scripted_server(script) as url:
        started = time.monotonic()
        assert client(url).request("GET", "healthz", policy=policy).status == 200
        waited = time.monotonic() - started
    assert 1.0 <= waited < policy.deadline_s  # waited the cap, not six hours


def test_a_stalled_server_never_outlasts_the_deadline(client) -> None:  # type: ignore[no-untyped-def]
    policy = TransportPolicy(connect_timeout_s=1.0, read_timeout_s=1.5, deadline_s=2.5, retry=FAST.retry)
    script = Script(default=Answer(200, delay_s=5))
    with scripted_server(script) as url:
        started = time.monotonic()
        with pytest.raises(errors.DeadlineExceeded):
            client(url).request("GET", "api/v1/account", policy=policy)
        elapsed = time.monotonic() - started
    assert elapsed < policy.deadline_s + 1.0  # one socket read past it at most, on a loaded machine


def test_a_dripping_answer_never_outlasts_the_deadline(client) -> None:  # type: ignore[no-untyped-def]
    policy = TransportPolicy(connect_timeout_s=1.0, read_timeout_s=1.0, deadline_s=2.0, retry=FAST.retry)
    script = Script(
        default=Answer(200, b'{"balance_fen": 8650432, "padding": "' + b"x" * 40 + b'"}', drip_s=0.3)
    )
    with scripted_server(script) as url:
        started = time.monotonic()
        with pytest.raises(errors.DeadlineExceeded):
            client(url).request("GET", "api/v1/account", policy=policy)
        elapsed = time.monotonic() - started
    assert elapsed < policy.deadline_s + 0.3  # a blocked read waits only what is left of the deadline


def test_a_redirect_is_not_a_success(client) -> None:  # type: ignore[no-untyped-def]
    portal = Answer(
        302,
        b'{"status": "paid"}',
        headers={"Location": "http://portal.example/", "Content-Type": "application/json"},
    )
    script = Script(portal, portal)
    with scripted_server(script) as url:
        c = client(url)
        with pytest.raises(errors.ServerFault, match="unexpected redirect"):
            c.request("POST", "api/v1/withdrawals", body={"amount_fen": 1}, idempotency_key="k", policy=FAST)
        with pytest.raises(errors.ServerFault, match="unexpected redirect"):
            c.request("GET", "api/v1/account", policy=FAST)
    assert len(script.seen) == 2


def test_refusals_carry_the_back_ends_code_and_chinese_message(client) -> None:  # type: ignore[no-untyped-def]
    refusal = envelope("withdrawal.rent_cap_exceeded", "超过每月租房提取限额")
    script = Script(
        Answer(422, refusal), Answer(401, envelope("session.expired", "会话已过期")), Answer(200, b"not json")
    )
    with scripted_server(script) as url:
        c = client(url)
        with pytest.raises(errors.RefusedByRule) as refused:
            c.request("POST", "api/v1/withdrawals", body={}, idempotency_key="k", policy=FAST)
        assert refused.value.code == "withdrawal.rent_cap_exceeded"
        assert refused.value.message_zh == "超过每月租房提取限额"
        with pytest.raises(errors.Unauthorised) as unauthorised:
            c.request("GET", "api/v1/account", policy=FAST)
        assert unauthorised.value.code == "session.expired"
        with pytest.raises(errors.ServerFault, match="malformed JSON"):
            c.request("GET", "api/v1/account", policy=FAST)
    assert len(script.seen) == 3  # refusals are answers: none was retried


def test_a_dead_back_end_trips_the_breaker_and_then_fails_fast(client) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    c = BackEndClient(
        ClientSettings(base_url=url, device_id="KIOSK-0001", breaker_failures=2, breaker_reset_s=60)
    )
    for _ in range(2):
        with pytest.raises(errors.BackEndUnreachable):
            c.request("GET", "healthz", policy=FAST)
    with pytest.raises(errors.CircuitOpen):
        c.request("GET", "healthz", policy=FAST)
    c.close()


def test_requests_are_signed_and_the_clock_offset_is_tracked(client) -> None:  # type: ignore[no-untyped-def]
    signer = Signer("KIOSK-0001", ec.generate_private_key(ec.SECP256R1()))
    ahead = email.utils.formatdate(time.time() + 120, usegmt=True)
    script = Script(default=Answer(200, headers={"Content-Type": "application/json", "Date": ahead}))
    with scripted_server(script) as url:
        c = client(url, signer=signer)
        c.request(
            "POST",
            "api/v1/withdrawals?lang=zh",
            body={"amount_fen": 5},
            idempotency_key="k-7",
            session_token="t",
            policy=FAST,
        )
    seen = script.seen[0]
    received = Presented(
        method="POST",
        scheme="http",
        authority=url.split("/")[2],
        path="/api/v1/withdrawals",
        query="lang=zh",
        headers={k.lower(): v for k, v in seen.headers.items()},
        body=seen.body,
    )
    result = verify(
        received,
        device_id="KIOSK-0001",
        certificate_pem=self_signed_pem(signer.key, "KIOSK-0001"),
        now=int(time.time()),
        window_s=60,
        nonces=NonceCache(),
    )
    assert result is not None
    assert "idempotency-key" in result.components
    assert seen.headers["Authorization"] == "Bearer t"
    assert c.clock_offset_s is not None
    assert 118 < c.clock_offset_s < 122
