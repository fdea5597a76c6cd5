"""Technician authentication: PIN, TOTP, lockout, and an audit log without the digits."""

import logging
from pathlib import Path

import pytest

from kiosk.maintenance.auth import Lockout, TechnicianAuth, Verdict
from kiosk.maintenance.pin import make_pin_hash
from kiosk.maintenance.totp import counter_at, hotp, new_secret, read_secret, write_secret

PIN = "246810"
PIN_HASH = make_pin_hash(PIN)


class Clock:
    def __init__(self, t: float = 1_764_320_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def auth_with(clock: Clock, totp: Path | None = None, pin_hash: str = PIN_HASH) -> TechnicianAuth:
    return TechnicianAuth(pin_hash, totp, Lockout(max_attempts=5, lock_s=300), clock)


def test_a_wrong_then_the_right_pin(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.maintenance.audit")
    auth = auth_with(Clock())
    wrong = auth.try_code("135790")
    assert (wrong.verdict, wrong.attempts_left) == (Verdict.WRONG, 4)
    right = auth.try_code(PIN)
    assert (right.verdict, right.method) == (Verdict.ACCEPTED, "pin")
    assert auth.lockout.failures == 0
    text = caplog.text
    assert "wrong technician code (attempt 1 of 5)" in text
    assert "maintenance entered by a technician (pin)" in text
    assert PIN not in text
    assert "135790" not in text


def test_five_wrong_codes_lock_for_five_minutes(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    auth = auth_with(clock)
    verdicts = [auth.try_code("000000").verdict for _ in range(5)]
    assert verdicts == [Verdict.WRONG] * 4 + [Verdict.LOCKED]
    clock.t += 60
    locked = auth.try_code(PIN)  # even the right PIN waits out the lock
    assert locked.verdict is Verdict.LOCKED
    assert locked.locked_for_s == pytest.approx(240)
    assert "maintenance locked for 300 s after 5 wrong codes" in caplog.text
    clock.t += 241
    assert auth.try_code(PIN).verdict is Verdict.ACCEPTED
    assert "000000" not in caplog.text


def test_a_totp_code_works_once(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "maintenance-totp.secret"
    write_secret(path, new_secret())
    auth = auth_with(clock, totp=path, pin_hash="")
    code = hotp(read_secret(path), counter_at(clock.t))
    result = auth.try_code(code)
    assert (result.verdict, result.method) == (Verdict.ACCEPTED, "totp")
    assert auth.try_code(code).verdict is Verdict.WRONG  # replayed
    clock.t += 30
    assert auth.try_code(hotp(read_secret(path), counter_at(clock.t))).verdict is Verdict.ACCEPTED
    assert auth.try_code(PIN).verdict is Verdict.WRONG  # no PIN configured


def test_a_secret_readable_by_others_is_refused_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    path = tmp_path / "maintenance-totp.secret"
    write_secret(path, new_secret())
    right_code = hotp(read_secret(path), counter_at(clock.t))
    path.chmod(0o640)
    auth = auth_with(clock, totp=path, pin_hash="")
    assert auth.try_code(right_code).verdict is Verdict.WRONG
    assert "readable by others" in caplog.text


def test_nothing_configured_opens_nothing() -> None:
    auth = auth_with(Clock(), pin_hash="")
    assert not auth.configured
    assert auth.try_code(PIN).verdict is Verdict.NOT_CONFIGURED
