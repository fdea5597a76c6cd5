"""RFC 9421 request signatures as the back end checks them: the device's key from its certificate,
the body against Content-Digest, a small clock window and one use per nonce."""

from __future__ import annotations

import base64
import dataclasses
import uuid

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from fundcenter.api import create_app
from fundcenter.db import make_engine
from fundcenter.devices import enrolment
from fundcenter.devices.signatures import verify_raw_p256
from fundcenter.errors import Code
from fundcenter.settings import Settings
from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.helpers import LIN, TIMEOUT, Kiosk, card_of

# RFC 9421 appendix B.1.3 (test-key-ecc-p256) and B.2.4 (a response signed with ecdsa-p256-sha256).
RFC_P256_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----
"""
RFC_B24_BASE = (
    b'"@status": 200\n'
    b'"content-type": application/json\n'
    b'"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oG'
    b"X69wWdXymyU0rjJuahq4l5aGgfLQ==:\n"
    b'"content-length": 23\n'
    b'"@signature-params": ("@status" "content-type" "content-digest" "content-length")'
    b';created=1618884473;keyid="test-key-ecc-p256"'
)
RFC_B24_SIGNATURE = "wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw=="


def send(url: str, headers: dict[str, str], payload: bytes, method: str = "POST") -> requests.Response:
    return requests.request(method, url, data=payload or None, headers=headers, timeout=TIMEOUT)


def code(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_the_rfc_9421_p256_example_verifies_and_a_changed_base_does_not() -> None:
    key = load_pem_public_key(RFC_P256_PUBLIC)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    signature = base64.b64decode(RFC_B24_SIGNATURE)
    assert verify_raw_p256(key, signature, RFC_B24_BASE)
    assert not verify_raw_p256(key, signature, RFC_B24_BASE.replace(b"200", b"201"))
    assert not verify_raw_p256(key, signature[:-1], RFC_B24_BASE)


def test_an_enrolled_kiosk_must_sign(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    assert kiosk.open_session(LIN, now=server.clock()).status_code == 201
    unsigned = Kiosk(kiosk.base_url, kiosk.device_id, token=kiosk.token)
    assert code(unsigned.get("v1/account")) == (401, "signature_missing")
    assert kiosk.get("v1/account").status_code == 200


def test_a_changed_body_header_or_path_is_refused(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    assert kiosk.open_session(LIN, now=server.clock()).status_code == 201
    rent = {"type": "rent", "amount_fen": 100000, "bank_card": card_of(LIN)}
    key = str(uuid.uuid4())
    url, headers, payload = kiosk.prepare("POST", "v1/withdrawals", rent, **{"Idempotency-Key": key})
    more = payload.replace(b"100000", b"900000")
    assert code(send(url, headers, more)) == (400, "content_digest_mismatch")
    url, headers, payload = kiosk.prepare("POST", "v1/withdrawals", rent, **{"Idempotency-Key": key})
    other_key = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    assert code(send(url, other_key, payload)) == (401, "signature_invalid")
    url, headers, _ = kiosk.prepare("GET", "v1/account")
    assert code(send(url.replace("account", "account/transactions"), headers, b"", "GET")) == (
        401,
        "signature_invalid",
    )
    # The key must be covered: a signature made without it is refused once it is added.
    url, headers, payload = kiosk.prepare("POST", "v1/withdrawals", rent)
    assert code(send(url, {**headers, "Idempotency-Key": key}, payload)) == (401, "signature_invalid")


def test_another_devices_key_does_not_speak_for_this_device(server: ThreadServer) -> None:
    kiosk, other = server.kiosk(), server.kiosk()
    impostor = Kiosk(kiosk.base_url, kiosk.device_id, other.key, clock=server.clock)
    refused = impostor.open_session(LIN, now=server.clock())
    assert code(refused) == (401, "signature_invalid")
    assert "device's key" in refused.json()["detail"]["reason"]


def test_stale_and_replayed_signatures_are_refused(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    now = int(server.clock().timestamp())
    url, headers, _ = kiosk.prepare("GET", "v1/withdrawals/by-key/nothing", created=now - 61)
    stale = send(url, headers, b"", "GET")
    assert code(stale) == (401, "signature_expired")
    assert stale.json()["detail"]["window_s"] == 60
    url, headers, _ = kiosk.prepare("GET", "v1/withdrawals/by-key/nothing", created=now + 61)
    assert code(send(url, headers, b"", "GET")) == (401, "signature_expired")
    url, headers, _ = kiosk.prepare("GET", "v1/withdrawals/by-key/nothing", created=now - 50)
    assert code(send(url, headers, b"", "GET")) == (404, "withdrawal_not_found")  # inside the window
    assert code(send(url, headers, b"", "GET")) == (401, "signature_replayed")  # the same nonce again
    server.clock.advance(seconds=30)  # the window has moved past it: stale now, not replayed
    assert code(send(url, headers, b"", "GET")) == (401, "signature_expired")


def test_a_revoked_device_is_refused_even_with_a_good_signature(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    assert enrolment.revoke(server.engine, kiosk.device_id, "stolen", server.clock())
    assert code(kiosk.open_session(LIN, now=server.clock())) == (403, "device_revoked")
    beat = {"sent_at": server.clock().isoformat(), "overall": "online"}
    assert code(kiosk.post("v1/devices/heartbeat", beat)) == (403, "device_revoked")


def test_heartbeats_are_signed_too(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    beat = {"sent_at": server.clock().isoformat(), "overall": "online"}
    assert kiosk.post("v1/devices/heartbeat", beat).status_code == 202
    unsigned = Kiosk(kiosk.base_url, kiosk.device_id)
    assert code(unsigned.post("v1/devices/heartbeat", beat)) == (401, "signature_missing")


def test_a_development_server_takes_unsigned_calls_but_still_checks_signed_ones(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    ctx = server.app.state.context
    lenient = ctx.settings.model_copy(update={"require_signatures": False})
    server.app.state.context = dataclasses.replace(ctx, settings=lenient)
    try:
        unsigned = Kiosk(kiosk.base_url, kiosk.device_id)
        assert unsigned.open_session(LIN, now=server.clock()).status_code == 201
        url, headers, payload = kiosk.prepare("POST", "v1/sessions", {"card": {}})
        assert code(send(url, headers, payload + b" ")) == (400, "content_digest_mismatch")
    finally:
        server.app.state.context = ctx


@pytest.mark.parametrize(
    "name",
    [
        Code.SIGNATURE_MISSING,
        Code.SIGNATURE_INVALID,
        Code.SIGNATURE_EXPIRED,
        Code.SIGNATURE_REPLAYED,
        Code.CONTENT_DIGEST_MISMATCH,
        Code.DEVICE_CERTIFICATE_MISMATCH,
    ],
)
def test_every_refusal_is_in_the_contract(name: Code) -> None:
    document = create_app(make_engine("sqlite://"), Settings()).openapi()
    withdrawal = document["paths"]["/v1/withdrawals"]["post"]["responses"]
    assert any(name.value in r["description"] for r in withdrawal.values())
    heartbeat = document["paths"]["/v1/devices/heartbeat"]["post"]["responses"]
    assert any(name.value in r["description"] for r in heartbeat.values())


def test_the_window_is_configurable() -> None:
    assert Settings(signature_window_s=30).signature_window_s == 30
    with pytest.raises(ValueError, match="greater than or equal to 5"):
        Settings(signature_window_s=1)
