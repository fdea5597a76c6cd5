"""Technician authentication: the PIN hash and/or a TOTP code, with a lockout after wrong tries.

Every try is logged for audit (method, outcome, attempt number), never the digits entered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.maintenance.pin import verify_pin
from kiosk.maintenance.totp import TotpSecretError, matching_counter, read_secret

audit = logging.getLogger("kiosk.maintenance.audit")


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_CONFIGURED = "not_configured"


@dataclass(frozen=True, slots=True)
class AuthResult:
    verdict: Verdict
    method: str | None = None  # "pin" or "totp" when accepted
    attempts_left: int = 0
    locked_for_s: float = 0.0


@dataclass
class Lockout:
    """``max_attempts`` wrong codes in a row lock entry for ``lock_s`` seconds; then it starts over."""

    max_attempts: int = 5
    lock_s: float = 300.0
    failures: int = 0
    locked_until: float | None = None

    def locked_for(self, now: float) -> float:
        if self.locked_until is None:
            return 0.0
        if now >= self.locked_until:
            self.locked_until = None
            self.failures = 0
            return 0.0
        return self.locked_until - now

    def failed(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.locked_until = now + self.lock_s

    def succeeded(self) -> None:
        self.failures = 0
        self.locked_until = None

    @property
    def attempts_left(self) -> int:
        return max(0, self.max_attempts - self.failures)


class TechnicianAuth:
    """Checks a code typed on the PIN pad. Call :meth:`try_code` on a worker (scrypt takes 0.05–0.2 s)."""

    def __init__(
        self,
        pin_hash: str,
        totp_secret: Path | None,
        lockout: Lockout,
        clock: Callable[[], float],
    ) -> None:
        self.pin_hash = pin_hash
        self.totp_secret = totp_secret
        self.lockout = lockout
        self.clock = clock
        self._last_totp_counter: int | None = None

    @property
    def configured(self) -> bool:
        return bool(self.pin_hash) or self.totp_secret is not None

    def try_code(self, code: str) -> AuthResult:
        now = self.clock()
        if not self.configured:
            audit.warning("maintenance entry refused: no technician PIN or TOTP is configured")
            return AuthResult(Verdict.NOT_CONFIGURED)
        locked = self.lockout.locked_for(now)
        if locked:
            audit.warning("maintenance entry refused: locked for %.0f s more", locked)
            return AuthResult(Verdict.LOCKED, locked_for_s=locked)
        method = self._check(code, now)
        if method is not None:
            self.lockout.succeeded()
            audit.info("maintenance entered by a technician (%s)", method, extra={"ctx": {"method": method}})
            return AuthResult(Verdict.ACCEPTED, method=method)
        self.lockout.failed(now)
        attempt = self.lockout.failures
        locked = self.lockout.locked_for(now)
        if locked:
            audit.warning(
                "maintenance locked for %.0f s after %d wrong codes", locked, attempt, extra={"ctx": {}}
            )
            return AuthResult(Verdict.LOCKED, locked_for_s=locked)
        audit.warning(
            "wrong technician code (attempt %d of %d)", attempt, self.lockout.max_attempts, extra={"ctx": {}}
        )
        return AuthResult(Verdict.WRONG, attempts_left=self.lockout.attempts_left)

    def _check(self, code: str, now: float) -> str | None:
        if self.pin_hash and verify_pin(code, self.pin_hash):
            return "pin"
        if self.totp_secret is not None:
            try:
                secret = read_secret(self.totp_secret)
            except TotpSecretError as exc:
                audit.error("TOTP cannot be checked: %s", exc)
                return None
            counter = matching_counter(secret, code, now)
            if counter is not None and (self._last_totp_counter is None or counter > self._last_totp_counter):
                self._last_totp_counter = counter  # each code once: a code seen over a shoulder is spent
                return "totp"
        return None
