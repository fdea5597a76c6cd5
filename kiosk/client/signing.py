"""HTTP Message Signatures (RFC 9421) with Ed25519, and Content-Digest (RFC 9530).

The kiosk signs every request with its device key, so the back end can tell which kiosk sent what
even behind a TLS-terminating proxy. Covered: method, path, query, Content-Digest, Idempotency-Key
(when present) and the device header; ``created`` lets the back end refuse replays outside a small
clock window.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

LABEL = "sig1"
COVERED = ("@method", "@path", "@query", "content-digest", "x-device-id")
OPTIONAL = ("idempotency-key",)


class SignatureInvalid(ValueError):
    """A signature that is missing, malformed, stale, or does not verify."""


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
        raise SignatureInvalid(f"covered field {name!r} is missing")
    return lowered[name].strip()


def signature_params(components: Sequence[str], created: int, keyid: str, alg: str | None) -> str:
    inner = " ".join(f'"{c}"' for c in components)
    params = f'({inner});created={created};keyid="{keyid}"'
    return params + (f';alg="{alg}"' if alg else "")


def signature_base(
    method: str, url: str, headers: Mapping[str, str], components: Sequence[str], params: str
) -> bytes:
    lines = [f'"{c}": {_component(c, method, url, headers)}' for c in components]
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines).encode()


@dataclass(frozen=True)
class Signer:
    keyid: str  # the device id, as enrolled
    key: Ed25519PrivateKey

    def sign(
        self, method: str, url: str, headers: Mapping[str, str], created: int | None = None
    ) -> dict[str, str]:
        """The Signature-Input and Signature headers for a request that already has its other headers."""
        lowered = {k.lower() for k in headers}
        components = [*COVERED, *(c for c in OPTIONAL if c in lowered)]
        params = signature_params(
            components, int(time.time()) if created is None else created, self.keyid, "ed25519"
        )
        base = signature_base(method, url, headers, components, params)
        signature = base64.b64encode(self.key.sign(base)).decode()
        return {"Signature-Input": f"{LABEL}={params}", "Signature": f"{LABEL}=:{signature}:"}


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    keyid: str
    created: int
    components: tuple[str, ...]


def parse_signature_input(value: str) -> tuple[str, tuple[str, ...], dict[str, str], str]:
    """``label=("a" "b");created=1;keyid="k"`` -> (label, components, params, the params text)."""
    try:
        label, rest = value.split("=", 1)
        inner, params_text = rest[1:].split(")", 1)
    except ValueError:
        raise SignatureInvalid("malformed Signature-Input") from None
    components = tuple(part.strip('"') for part in inner.split())
    params: dict[str, str] = {}
    for item in params_text.split(";")[1:]:
        key, _, raw = item.partition("=")
        params[key.strip()] = raw.strip().strip('"')
    return label.strip(), components, params, rest


def verify(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    public_key_for: Mapping[str, Ed25519PublicKey],
    window_s: int = 300,
    now: float | None = None,
) -> VerifiedSignature:
    """Check Content-Digest and the signature; refuse a ``created`` outside ``window_s`` of now."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if "signature-input" not in lowered or "signature" not in lowered:
        raise SignatureInvalid("request is not signed")
    if lowered.get("content-digest") != content_digest(body):
        raise SignatureInvalid("Content-Digest does not match the body")
    label, components, params, params_text = parse_signature_input(lowered["signature-input"])
    if not set(COVERED) <= set(components):
        raise SignatureInvalid(f"signature covers {components}, needs {COVERED}")
    if "idempotency-key" in lowered and "idempotency-key" not in components:
        raise SignatureInvalid("Idempotency-Key is not covered by the signature")
    keyid = params.get("keyid", "")
    key = public_key_for.get(keyid)
    if key is None:
        raise SignatureInvalid(f"unknown key {keyid!r}")
    try:
        created = int(params["created"])
    except (KeyError, ValueError):
        raise SignatureInvalid("signature has no created time") from None
    if abs((time.time() if now is None else now) - created) > window_s:
        raise SignatureInvalid(f"signature created {created} is outside the {window_s} s window")
    sig_label, _, sig_value = lowered["signature"].partition("=")
    if sig_label != label or not (sig_value.startswith(":") and sig_value.endswith(":")):
        raise SignatureInvalid("malformed Signature")
    base = signature_base(method, url, headers, components, params_text)
    try:
        key.verify(base64.b64decode(sig_value.strip(":")), base)
    except (InvalidSignature, ValueError):
        raise SignatureInvalid("signature does not verify") from None
    return VerifiedSignature(keyid, created, components)
