"""The kiosk's RFC 9421 signer, checked by the back end's verifier (they share only the RFC)."""

import base64
import email.utils
import json
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from fundcenter.devices.signatures import NonceCache, Presented, verify
from fundcenter.errors import ApiError
from kiosk.client.factory import DEVICE_KEY, client_from_config
from kiosk.client.signing import (
    Signer,
    SigningKeyError,
    content_digest,
    signature_base,
    signature_params,
)
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.config import load_config
from tests.fundcenter.helpers import make_csr, self_signed_pem
from tests.support.scripted_server import Answer, Script, scripted_server

# RFC 9421, appendix B.1.4 (test-key-ed25519) and B.2.6: the signature base is built byte for byte.
RFC_KEY = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
RFC_SIGNATURE = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
URL = "https://fund.example/api/v1/withdrawals?lang=zh"
CREATED = 1_800_000_000


def test_the_signature_base_of_the_rfc_9421_example() -> None:
    key = load_pem_private_key(RFC_KEY, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    headers = {
        "Host": "example.com",
        "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
        "Content-Type": "application/json",
        "Content-Length": "18",
    }
    components = ("date", "@method", "@path", "@authority", "content-type", "content-length")
    params = signature_params(components, 1618884473, "test-key-ed25519", None)
    base = signature_base("POST", "https://example.com/foo?param=Value&Pet=dog", headers, components, params)
    assert base.decode().splitlines()[-1] == (
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")'
        ';created=1618884473;keyid="test-key-ed25519"'
    )
    assert base64.b64encode(key.sign(base)).decode() == RFC_SIGNATURE


def test_content_digest_of_the_rfc_9530_example() -> None:
    assert content_digest(b'{"hello": "world"}\n') == "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"


def presented(headers: dict[str, str], body: bytes, path: str = "/api/v1/withdrawals") -> Presented:
    return Presented(
        method="POST",
        scheme="https",
        authority="fund.example",
        path=path,
        query="lang=zh",
        headers={k.lower(): v for k, v in headers.items()},
        body=body,
    )


def signed_request() -> tuple[Signer, dict[str, str], bytes]:
    signer = Signer("KIOSK-0001", ec.generate_private_key(ec.SECP256R1()))
    body = b'{"amount_fen": 120000}'
    headers = {
        "Content-Digest": content_digest(body),
        "Content-Type": "application/json",
        "X-Device-Id": "KIOSK-0001",
        "Idempotency-Key": "k-1",
        "Authorization": "Bearer member-token",
    }
    headers |= signer.sign("POST", URL, headers, created=CREATED)
    return signer, headers, body


def pem(signer: Signer) -> str:
    return self_signed_pem(signer.key, signer.keyid)


def test_the_back_end_verifies_what_the_kiosk_signs() -> None:
    signer, headers, body = signed_request()
    assert 'alg="ecdsa-p256-sha256"' in headers["Signature-Input"]
    assert ';nonce="' in headers["Signature-Input"]
    result = verify(
        presented(headers, body),
        device_id="KIOSK-0001",
        certificate_pem=pem(signer),
        now=CREATED + 10,
        window_s=60,
        nonces=NonceCache(),
    )
    assert result is not None
    assert {"content-type", "idempotency-key", "authorization", "x-device-id"} <= set(result.components)
    assert len(base64.b64decode(headers["Signature"].split(":")[1])) == 64  # r || s, not DER


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda h, b: (h, b + b" "), "content_digest_mismatch"),
        (lambda h, b: ({**h, "Idempotency-Key": "k-2"}, b), "signature_invalid"),
        (lambda h, b: ({**h, "Authorization": "Bearer another-members-token"}, b), "signature_invalid"),
        (lambda h, b: ({**h, "X-Device-Id": "KIOSK-0002"}, b), "signature_invalid"),
    ],
)
def test_tampering_is_refused(change, code: str) -> None:  # type: ignore[no-untyped-def]
    signer, headers, body = signed_request()
    headers, body = change(headers, body)
    with pytest.raises(ApiError) as refused:
        verify(
            presented(headers, body),
            device_id="KIOSK-0001",
            certificate_pem=pem(signer),
            now=CREATED,
            window_s=60,
            nonces=NonceCache(),
        )
    assert refused.value.code == code


def test_only_a_p256_device_key_signs(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="P-256"):
        Signer("KIOSK-0001", ec.generate_private_key(ec.SECP384R1()))
    ed = tmp_path / "ed.key"
    ed.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    with pytest.raises(SigningKeyError, match="not an ECDSA key"):
        Signer.from_file("KIOSK-0001", ed)


def test_the_client_signs_with_device_key_from_the_identity_directory(tmp_path: Path) -> None:
    key, _csr = make_csr("KIOSK-0001")
    identity = tmp_path / "var" / "identity"
    identity.mkdir(parents=True)
    (identity / DEVICE_KEY).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ndevice_id = "KIOSK-0001"\n[back_end]\nurl = "http://127.0.0.1:8620/"\n'
        f'[paths]\nvar_dir = "{tmp_path / "var"}"\n'
    )
    client = client_from_config(load_config(config))
    assert client.settings.signer is not None
    assert client.settings.signer.key.public_key().public_numbers() == key.public_key().public_numbers()
    client.close()


def test_a_kiosk_with_a_wrong_clock_signs_on_the_back_ends_time() -> None:
    """The first call is refused for its time; the Date header of that refusal corrects the next."""
    ahead = time.time() + 600
    date = email.utils.formatdate(ahead, usegmt=True)
    refusal = json.dumps({"code": "signature_expired", "message": "请求签名时间超出允许范围"}).encode()
    script = Script(
        Answer(401, refusal, headers={"Content-Type": "application/json", "Date": date}),
        default=Answer(200, b'{"ok": true}', headers={"Content-Type": "application/json", "Date": date}),
    )
    signer = Signer("KIOSK-0001", ec.generate_private_key(ec.SECP256R1()))
    with scripted_server(script) as url:
        client = BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001", signer=signer))
        assert client.request("POST", "v1/withdrawals", body={"n": 1}).body == {"ok": True}
        client.close()
    created = [int(s.headers["Signature-Input"].split("created=")[1].split(";")[0]) for s in script.seen]
    assert len(created) == 2
    assert abs(created[0] - (ahead - 600)) < 5  # its own clock first
    assert abs(created[1] - ahead) < 5  # then the back end's, learned from the refusal


def test_a_kiosk_in_step_with_the_back_end_signs_on_its_own_clock() -> None:
    script = Script(default=Answer(200, b'{"ok": true}'))
    signer = Signer("KIOSK-0001", ec.generate_private_key(ec.SECP256R1()))
    with scripted_server(script) as url:
        client = BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001", signer=signer))
        client.request("GET", "v1/withdrawal-types")
        client.request("GET", "v1/withdrawal-types")
        client.close()
    nonces = {s.headers["Signature-Input"].split("nonce=")[1].split(";")[0] for s in script.seen}
    assert len(nonces) == 2  # a fresh nonce on every request
    created = int(script.seen[1].headers["Signature-Input"].split("created=")[1].split(";")[0])
    assert abs(created - time.time()) < 5
