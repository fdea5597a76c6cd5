"""HTTP Message Signatures (RFC 9421) with ``ecdsa-p256-sha256``, and Content-Digest (RFC 9530).

The kiosk signs every request with its device key (``device.key``, the same ECDSA P-256 key its
mutual-TLS certificate carries), so the back end can tell which kiosk sent what even behind a
TLS-terminating proxy. Covered: method, path, query, Content-Digest, the device header, and, when
present, Content-Type, Idempotency-Key and Authorization (the member session token is bound to the
request it authorises). Parameters: ``created`` and a fresh ``nonce`` (the back end refuses a
``created`` outside a small clock window and a nonce it has seen within it), ``keyid`` = the device id
and ``alg``.

The signature value of ``ecdsa-p256-sha256`` is ``r || s``, 32 bytes each (RFC 9421 §3.3.4), not
the DER that ``cryptography`` produces.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import load_pem_private_key

LABEL = "sig1"
ALG = "ecdsa-p256-sha256"
COVERED = ("@method", "@path", "@query", "content-digest", "x-device-id")
OPTIONAL = ("content-type", "idempotency-key", "authorization")
P256_BYTES = 32


SUBMISSION_CONTEXT = "fund-kiosk-submission/1"
SUBMITTED_AT_HEADER = "X-Submitted-At"
SUBMISSION_SIGNATURE_HEADER = "X-Submission-Signature"


class SigningKeyError(ValueError):
    """The device key is missing, unreadable or not ECDSA P-256."""


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _component(name: str, method: str, url: str, headers: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    if name == "@method":
        return method.upper()
    if name == "@path":
        return parts.path or "/"
    if name == "@query":
        return "?" + parts.query
    if name == "@authority":
        return parts.netloc.lower()
    if name == "@target-uri":
        return url
    lowered = {k.lower(): v for k, v in headers.items()}
    if name not in lowered:
        raise KeyError(f"covered field {name!r} is missing")
    return lowered[name].strip()


def signature_params(
    components: Sequence[str],
    created: int,
    keyid: str,
    alg: str | None,
    nonce: str | None = None,
) -> str:
    inner = " ".join(f'"{c}"' for c in components)
    params = f"({inner});created={created}"
    params += f';nonce="{nonce}"' if nonce else ""
    params += f';keyid="{keyid}"'
    return params + (f';alg="{alg}"' if alg else "")


def signature_base(
    method: str, url: str, headers: Mapping[str, str], components: Sequence[str], params: str
) -> bytes:
    lines = [f'"{c}": {_component(c, method, url, headers)}' for c in components]
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines).encode()


def submission_statement(device_id: str, key: str, submitted_at: int, digest: str) -> bytes:
    """What the kiosk signs when the member confirms a withdrawal: this device, this Idempotency-Key,
    this body (its Content-Digest), at this time. The back end accepts the withdrawal on an expired
    session only if that time lay inside the session (see fundcenter.withdrawals.late)."""
    return f"{SUBMISSION_CONTEXT}\n{device_id}\n{key}\n{submitted_at}\n{digest}".encode()


def raw_ecdsa_signature(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """ECDSA P-256 over SHA-256, as RFC 9421 wants it: the fixed-size ``r || s``."""
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(P256_BYTES, "big") + s.to_bytes(P256_BYTES, "big")


@dataclass(frozen=True)
class Signer:
    keyid: str  # the device id, as enrolled
    key: ec.EllipticCurvePrivateKey

    def __post_init__(self) -> None:
        if not isinstance(self.key.curve, ec.SECP256R1):
            raise SigningKeyError(f"the device key must be P-256, not {self.key.curve.name}")

    @classmethod
    def from_file(cls, keyid: str, path: Path) -> Signer:
        """The signer of an enrolled kiosk: its ``device.key`` (PEM PKCS#8, ECDSA P-256)."""
        try:
            key = load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise SigningKeyError(f"device key {path} cannot be read: {exc}") from exc
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise SigningKeyError(f"device key {path} is not an ECDSA key")
        return cls(keyid, key)

    def sign_submission(self, key: str, body: bytes, submitted_at: int) -> dict[str, str]:
        """Headers that prove when the member confirmed this withdrawal (kept with it in the outbox)."""
        statement = submission_statement(self.keyid, key, submitted_at, content_digest(body))
        signature = base64.b64encode(raw_ecdsa_signature(self.key, statement)).decode()
        return {SUBMITTED_AT_HEADER: str(submitted_at), SUBMISSION_SIGNATURE_HEADER: f":{signature}:"}

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        created: int | None = None,
        nonce: str | None = None,
    ) -> dict[str, str]:
        """The Signature-Input and Signature headers for a request that already has its other headers."""
        lowered = {k.lower() for k in headers}
        components = [*COVERED, *(c for c in OPTIONAL if c in lowered)]
        params = signature_params(
            components,
            int(time.time()) if created is None else created,
            self.keyid,
            ALG,
            nonce or secrets.token_urlsafe(16),
        )
        base = signature_base(method, url, headers, components, params)
        signature = base64.b64encode(raw_ecdsa_signature(self.key, base)).decode()
        return {"Signature-Input": f"{LABEL}={params}", "Signature": f"{LABEL}=:{signature}:"}
