"""Verify a kiosk's RFC 9421 request signature (``ecdsa-p256-sha256``) and its Content-Digest.

The signature base is rebuilt from the request as received, with the components the kiosk listed
in ``Signature-Input``; the list must cover method, path, query, Content-Digest and the device header,
and every one of Content-Type, Idempotency-Key and Authorization the request carries. ``created`` must
lie within ``window_s`` of the back end's clock and the ``nonce`` must not have been seen from that
device within the window (:class:`NonceCache`), so a captured request cannot be played again.

The kiosk's copy of the signing side is ``kiosk/client/signing.py``; the two share only RFC 9421.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from fundcenter.errors import ApiError, Code

ALG = "ecdsa-p256-sha256"
REQUIRED = frozenset({"@method", "@path", "@query", "content-digest", "x-device-id"})
COVERED_WHEN_PRESENT = ("content-type", "idempotency-key", "authorization")
_INPUT = re.compile(
    r'^([A-Za-z][A-Za-z0-9_-]{0,31})=\(((?:\s*"[^"\s]+")*)\s*\)((?:;[a-z]+=(?:"[^"]*"|\d+))*)$'
)
_PARAM = re.compile(r';([a-z]+)=("[^"]*"|\d+)')
_VALUE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,31})=:([A-Za-z0-9+/=]+):$")


@dataclass(frozen=True, slots=True)
class Presented:
    """A request as the back end received it."""

    method: str
    scheme: str
    authority: str
    path: str
    query: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True, slots=True)
class Signed:
    keyid: str
    created: int
    nonce: str
    components: tuple[str, ...]


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _invalid(reason: str) -> ApiError:
    return ApiError(Code.SIGNATURE_INVALID, detail={"reason": reason})


def parse(request: Presented) -> tuple[Signed, str, bytes] | None:
    """(what was signed, the Signature-Input parameters text, the raw signature); None if unsigned."""
    raw_input = request.headers.get("signature-input")
    raw_value = request.headers.get("signature")
    if raw_input is None and raw_value is None:
        return None
    match = _INPUT.match((raw_input or "").strip())
    value = _VALUE.match((raw_value or "").strip())
    if match is None or value is None or match.group(1) != value.group(1):
        raise _invalid("malformed Signature-Input or Signature (one signature, one label)")
    components = tuple(part.strip().strip('"') for part in match.group(2).split())
    params = {name: raw.strip('"') for name, raw in _PARAM.findall(match.group(3))}
    if len(set(components)) != len(components):
        raise _invalid("a component is listed twice")
    if params.get("alg", ALG) != ALG:
        raise _invalid(f"alg must be {ALG}")
    try:
        created = int(params["created"])
        keyid, nonce = params["keyid"], params["nonce"]
    except (KeyError, ValueError):
        raise _invalid("created, keyid and nonce are required") from None
    missing = REQUIRED - set(components)
    missing |= {name for name in COVERED_WHEN_PRESENT if name in request.headers} - set(components)
    if missing:
        raise _invalid("not covered: " + ", ".join(sorted(missing)))
    try:
        signature = base64.b64decode(value.group(2), validate=True)
    except binascii.Error:
        raise _invalid("the signature is not base64") from None
    params_text = match.group(0).split("=", 1)[1]
    return Signed(keyid, created, nonce, components), params_text, signature


def _component(name: str, request: Presented) -> str:
    derived = {
        "@method": request.method.upper(),
        "@path": request.path or "/",
        "@query": "?" + request.query,
        "@authority": request.authority.lower(),
        "@scheme": request.scheme.lower(),
        "@target-uri": f"{request.scheme}://{request.authority}{request.path}"
        + (f"?{request.query}" if request.query else ""),
    }
    if name in derived:
        return derived[name]
    if name.startswith("@") or name not in request.headers:
        raise _invalid(f"covered component {name!r} is not in the request")
    return request.headers[name].strip()


def signature_base(request: Presented, components: tuple[str, ...], params_text: str) -> bytes:
    lines = [f'"{c}": {_component(c, request)}' for c in components]
    lines.append(f'"@signature-params": {params_text}')
    return "\n".join(lines).encode()


def verify_raw_p256(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    """An RFC 9421 ``ecdsa-p256-sha256`` value (``r || s``, 32 bytes each) over ``data``."""
    if len(signature) != 64 or not isinstance(key.curve, ec.SECP256R1):
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


@lru_cache(maxsize=4096)
def certificate_key(certificate_pem: str) -> ec.EllipticCurvePublicKey | None:
    """The P-256 key of a device certificate (cached: parsed once per certificate, not per request)."""
    public = x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).public_key()
    return public if isinstance(public, ec.EllipticCurvePublicKey) else None


class NonceCache:
    """Nonces seen per device, each kept until its signature's ``created`` leaves the window.

    In memory: one back-end process (the reference deployment). Several processes behind a balancer
    would share it in their database or a cache, with the same keys and expiry."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._inserts = 0

    def first_time(self, keyid: str, nonce: str, created: int, window_s: int, now: int) -> bool:
        with self._lock:
            self._inserts += 1
            if self._inserts % 1024 == 0:  # drop what can no longer be replayed
                self._seen = {k: until for k, until in self._seen.items() if until >= now}
            until = self._seen.get((keyid, nonce))
            if until is not None and until >= now:
                return False
            self._seen[(keyid, nonce)] = created + window_s
            return True

    def __len__(self) -> int:
        return len(self._seen)


def verify(
    request: Presented,
    *,
    device_id: str,
    certificate_pem: str | None,
    now: int,
    window_s: int,
    nonces: NonceCache,
) -> Signed | None:
    """Check a signed request of ``device_id``; None when it carries no signature at all."""
    parsed = parse(request)
    if parsed is None:
        return None
    signed, params_text, signature = parsed
    if signed.keyid != device_id:
        raise _invalid("keyid is not the device named in X-Device-Id")
    if request.headers.get("content-digest") != content_digest(request.body):
        raise ApiError(Code.CONTENT_DIGEST_MISMATCH)
    key = certificate_key(certificate_pem) if certificate_pem else None
    if key is None:
        raise _invalid("the device has no P-256 certificate on file")
    if not verify_raw_p256(key, signature, signature_base(request, signed.components, params_text)):
        raise _invalid("the signature does not verify with the device's key")
    if abs(now - signed.created) > window_s:
        raise ApiError(
            Code.SIGNATURE_EXPIRED, detail={"created": signed.created, "now": now, "window_s": window_s}
        )
    if not nonces.first_time(device_id, signed.nonce, signed.created, window_s, now):
        raise ApiError(Code.SIGNATURE_REPLAYED)
    return signed
