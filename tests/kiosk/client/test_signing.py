import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from kiosk.client.signing import (
    SignatureInvalid,
    Signer,
    content_digest,
    signature_base,
    signature_params,
    verify,
)

# RFC 9421, appendix B.1.4 (test-key-ed25519) and B.2.6 (signing a request using ed25519).
RFC_KEY = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
RFC_SIGNATURE = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="


def test_the_rfc_9421_ed25519_example() -> None:
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


@pytest.fixture
def signed() -> tuple[Signer, dict[str, str], bytes, str]:
    signer = Signer("KIOSK-0001", Ed25519PrivateKey.generate())
    body = b'{"amount_fen": 120000}'
    url = "https://fund.example/api/v1/withdrawals?lang=zh"
    headers = {
        "Content-Digest": content_digest(body),
        "X-Device-Id": "KIOSK-0001",
        "Idempotency-Key": "k-1",
    }
    headers |= signer.sign("POST", url, headers, created=1_800_000_000)
    return signer, headers, body, url


def test_sign_and_verify(signed: tuple[Signer, dict[str, str], bytes, str]) -> None:
    signer, headers, body, url = signed
    keys = {"KIOSK-0001": signer.key.public_key()}
    result = verify("POST", url, headers, body, public_key_for=keys, now=1_800_000_010)
    assert result.keyid == "KIOSK-0001"
    assert "idempotency-key" in result.components


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda h, b: (h, b + b" "), "Content-Digest"),
        (lambda h, b: ({**h, "Idempotency-Key": "k-2"}, b), "does not verify"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "Signature"}, b), "not signed"),
        (lambda h, b: ({**h, "X-Device-Id": "KIOSK-0002"}, b), "does not verify"),
    ],
)
def test_tampering_is_refused(
    signed: tuple[Signer, dict[str, str], bytes, str], change, message: str
) -> None:  # type: ignore[no-untyped-def]
    signer, headers, body, url = signed
    headers, body = change(headers, body)
    with pytest.raises(SignatureInvalid, match=message):
        verify(
            "POST",
            url,
            headers,
            body,
            public_key_for={"KIOSK-0001": signer.key.public_key()},
            now=1_800_000_010,
        )


def test_replays_outside_the_window_and_unknown_keys(
    signed: tuple[Signer, dict[str, str], bytes, str],
) -> None:
    signer, headers, body, url = signed
    keys = {"KIOSK-0001": signer.key.public_key()}
    with pytest.raises(SignatureInvalid, match="outside the 300 s window"):
        verify("POST", url, headers, body, public_key_for=keys, now=1_800_000_000 + 301)
    with pytest.raises(SignatureInvalid, match="unknown key"):
        verify("POST", url, headers, body, public_key_for={}, now=1_800_000_010)
    with pytest.raises(SignatureInvalid, match="does not verify"):
        verify(
            "POST",
            url.replace("withdrawals", "members"),
            headers,
            body,
            public_key_for=keys,
            now=1_800_000_010,
        )
