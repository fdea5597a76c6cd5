"""The technician PIN, kept only as a salted scrypt hash: ``scrypt$N$r$p$SALT$KEY`` (base64).

Verification recomputes the key and compares in constant time; the PIN itself is never stored or
logged. ``make_pin_hash`` is what ``python -m kiosk.maintenance pin`` prints for the config.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

MIN_PIN_DIGITS, MAX_PIN_DIGITS = 6, 12
PIN_RE = re.compile(rf"^[0-9]{{{MIN_PIN_DIGITS},{MAX_PIN_DIGITS}}}$")
# 16 MiB of memory and 0.05–0.2 s per try (0.17 s measured on a busy 2-core machine): slow for a
# thief with the config file, quick for a technician.
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**14, 8, 1
_KEY_BYTES = 32
_SALT_BYTES = 16


class PinError(ValueError):
    """A PIN or a stored PIN hash that cannot be used."""


@dataclass(frozen=True, slots=True)
class PinHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    def __str__(self) -> str:
        b64 = base64.b64encode
        return f"scrypt${self.n}${self.r}${self.p}${b64(self.salt).decode()}${b64(self.key).decode()}"


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode(), salt=salt, n=n, r=r, p=p, dklen=_KEY_BYTES, maxmem=128 * r * (n + p + 2) + 1024
    )


def check_pin_format(pin: str) -> None:
    if not PIN_RE.fullmatch(pin):
        raise PinError("a technician PIN is 6 to 12 digits")


def make_pin_hash(pin: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> str:
    check_pin_format(pin)
    salt = os.urandom(_SALT_BYTES)
    return str(PinHash(n, r, p, salt, _derive(pin, salt, n, r, p)))


def parse_pin_hash(stored: str) -> PinHash:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise PinError("expected scrypt$N$r$p$SALT$KEY (make it with: python -m kiosk.maintenance pin)")
    try:
        n, r, p = (int(v) for v in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except ValueError as exc:
        raise PinError(f"unreadable PIN hash: {exc}") from exc
    if n < 2**10 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise PinError("PIN hash parameters out of range (N a power of two ≥ 1024, r 1–32, p 1–16)")
    if len(salt) < 8 or len(key) < 16:
        raise PinError("PIN hash salt or key too short")
    return PinHash(n, r, p, salt, key)


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored``; the comparison takes the same time wherever they differ."""
    expected = parse_pin_hash(stored)
    if not PIN_RE.fullmatch(pin):
        pin = ""  # still derive, so a malformed entry takes as long as a wrong one
    derived = _derive(pin, expected.salt, expected.n, expected.r, expected.p)[: len(expected.key)]
    return hmac.compare_digest(derived, expected.key) and bool(pin)
