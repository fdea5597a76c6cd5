"""The PIN hash, TOTP codes (RFC 4226/6238 vectors) and the secret file's permissions."""

import base64
import stat
from pathlib import Path

import pytest

from kiosk.maintenance.pin import PinError, make_pin_hash, parse_pin_hash, verify_pin
from kiosk.maintenance.totp import (
    TotpSecretError,
    counter_at,
    hotp,
    matching_counter,
    new_secret,
    provisioning_uri,
    read_secret,
    write_secret,
)

RFC_SECRET = b"12345678901234567890"


def test_a_pin_is_stored_only_as_a_salted_scrypt_hash() -> None:
    stored = make_pin_hash("246810")
    assert stored.startswith("scrypt$16384$8$1$")
    assert "246810" not in stored
    assert make_pin_hash("246810") != stored  # a fresh salt each time
    assert verify_pin("246810", stored)
    assert not verify_pin("246811", stored)
    assert not verify_pin("", stored)
    assert not verify_pin("24681O", stored)
    parsed = parse_pin_hash(stored)
    assert (len(parsed.salt), len(parsed.key)) == (16, 32)


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12a456", ""])
def test_pins_are_six_to_twelve_digits(pin: str) -> None:
    with pytest.raises(PinError):
        make_pin_hash(pin)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "pbkdf2$1$2$3$4$5",
        "scrypt$16384$8$1$salt",
        "scrypt$1000$8$1$AAAAAAAAAAAA$" + "A" * 44,
        "scrypt$x$8$1$a$b",
    ],
)
def test_a_broken_hash_is_a_typed_error(stored: str) -> None:
    with pytest.raises(PinError):
        parse_pin_hash(stored)


def test_hotp_matches_rfc_4226() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583"]
    assert [hotp(RFC_SECRET, c) for c in range(8)] == expected


@pytest.mark.parametrize(
    ("t", "code"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")],
)
def test_totp_matches_rfc_6238(t: int, code: str) -> None:
    assert hotp(RFC_SECRET, counter_at(t), digits=8) == code


def test_a_code_is_accepted_one_step_either_side() -> None:
    now = 1_764_320_000.0
    step = counter_at(now)
    assert matching_counter(RFC_SECRET, hotp(RFC_SECRET, step), now) == step
    assert matching_counter(RFC_SECRET, hotp(RFC_SECRET, step - 1), now) == step - 1
    assert matching_counter(RFC_SECRET, hotp(RFC_SECRET, step + 1), now) == step + 1
    assert matching_counter(RFC_SECRET, hotp(RFC_SECRET, step - 2), now) is None
    assert matching_counter(RFC_SECRET, "12345", now) is None
    assert matching_counter(RFC_SECRET, "abcdef", now) is None


def test_the_secret_file_is_written_0600_and_refused_when_others_can_read(tmp_path: Path) -> None:
    secret = new_secret()
    path = tmp_path / "identity" / "maintenance-totp.secret"
    write_secret(path, secret)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_secret(path) == base64.b32decode(secret + "=" * (-len(secret) % 8))
    path.chmod(0o644)
    with pytest.raises(TotpSecretError, match="readable by others"):
        read_secret(path)
    path.chmod(0o600)
    path.write_text("not base32 at all!\n")
    with pytest.raises(TotpSecretError, match="base32"):
        read_secret(path)
    with pytest.raises(TotpSecretError, match="cannot read"):
        read_secret(tmp_path / "absent")
    uri = provisioning_uri(secret, "KIOSK-0001")
    assert uri.startswith("otpauth://totp/fund-kiosk%3AKIOSK-0001?secret=")
