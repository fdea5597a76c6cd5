"""Time-based one-time codes (RFC 6238, HMAC-SHA1, 30 s, 6 digits) from a secret in a 0600 file.

The secret is base32, as authenticator apps take it (``otpauth://`` URI from :func:`provisioning_uri`).
A code is accepted one step either side of now, and each step at most once (no replay).
"""

from __future__ import annotations

import base64
import hmac
import os
import stat
import struct
from pathlib import Path
from urllib.parse import quote

STEP_S = 30
DIGITS = 6
SECRET_FILE = "maintenance-totp.secret"  # noqa: S105 - a file name under paths.identity


class TotpSecretError(ValueError):
    """The secret file is missing, unreadable, not base32, or readable by others."""


def hotp(secret: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226: the code for ``counter``."""
    mac = hmac.digest(secret, struct.pack(">Q", counter), "sha1")
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def counter_at(t: float, step_s: int = STEP_S) -> int:
    return int(t // step_s)


def matching_counter(secret: bytes, code: str, t: float, window: int = 1) -> int | None:
    """The time step ``code`` belongs to (within ``window`` steps of ``t``), or None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = counter_at(t)
    found = None
    for counter in range(now - window, now + window + 1):
        if hmac.compare_digest(hotp(secret, counter), code):  # check every step: same time either way
            found = counter
    return found


def decode_secret(text: str) -> bytes:
    cleaned = text.strip().replace(" ", "").upper()
    try:
        secret = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:
        raise TotpSecretError("the TOTP secret is not base32") from exc
    if len(secret) < 10:
        raise TotpSecretError("the TOTP secret is shorter than 80 bits")
    return secret


def read_secret(path: Path) -> bytes:
    """The secret from ``path``, refused when group or others may read it (it must be 0600)."""
    try:
        mode = path.stat().st_mode
        text = path.read_text("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise TotpSecretError(f"cannot read the TOTP secret {path}: {exc}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise TotpSecretError(f"{path} is readable by others (mode {stat.S_IMODE(mode):04o}); chmod 600")
    return decode_secret(text)


def new_secret() -> str:
    return base64.b32encode(os.urandom(20)).decode().rstrip("=")


def write_secret(path: Path, secret: str) -> None:
    """Write ``secret`` to ``path`` with mode 0600 from the first byte (replacing any old one)."""
    decode_secret(secret)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    os.replace(tmp, path)


def provisioning_uri(secret: str, device_id: str, issuer: str = "fund-kiosk") -> str:
    label = quote(f"{issuer}:{device_id}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_S}"
