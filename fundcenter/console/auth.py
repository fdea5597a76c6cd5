"""Staff accounts and sessions: who may see the console.

The session cookie holds a random token (HttpOnly, SameSite=Strict, path ``/console``); the database
keeps only its SHA-256 with an idle and an absolute expiry. Every POST carries the session's CSRF
token in ``X-CSRF-Token`` (the login form, before any session, uses a double-submit cookie). Failed
logins are limited per user name and per client address.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update

from fundcenter.console.errors import ConsoleCode, ConsoleError
from fundcenter.console.passwords import DUMMY_HASH, hash_password, verify_password
from fundcenter.console.settings import ConsoleSettings
from fundcenter.db import reading, writing
from fundcenter.models import StaffSession, StaffUser

COOKIE = "fundcenter_console"
LOGIN_CSRF_COOKIE = "fundcenter_console_login"
CSRF_HEADER = "X-CSRF-Token"
TOUCH_EVERY = dt.timedelta(seconds=60)  # a session's expiry moves at most once a minute (fewer writes)


@dataclass(frozen=True)
class Staff:
    user_id: int
    username: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def add_user(engine: Engine, username: str, password: str, now: dt.datetime) -> bool:
    """Create a staff user, or set a new password for an existing one; True when created."""
    username = username.strip()
    if not username or len(username) > 64:
        raise ValueError("a user name has 1 to 64 characters")
    hashed = hash_password(password)
    with writing(engine) as session:
        user = session.scalars(select(StaffUser).where(StaffUser.username == username)).one_or_none()
        if user is not None:
            user.password_hash = hashed
            session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
            return False
        session.add(StaffUser(username=username, password_hash=hashed, created_at=now))
    return True


class LoginLimiter:
    """At most ``failures`` failed logins per key (a user name, an address) in a sliding window."""

    def __init__(self, failures: int, window_s: float) -> None:
        self.failures = failures
        self.window_s = window_s
        self._seen: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> collections.deque[float]:
        stamps = self._seen.setdefault(key, collections.deque())
        while stamps and stamps[0] <= now - self.window_s:
            stamps.popleft()
        return stamps

    def retry_after_s(self, *keys: str) -> int:
        """0 when a login may be tried; otherwise seconds until one may."""
        now = time.monotonic()
        with self._lock:
            waits = [
                stamps[0] + self.window_s - now
                for key in keys
                if len(stamps := self._recent(key, now)) >= self.failures
            ]
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._seen) > 10_000:  # forget quiet keys so that guessing cannot grow memory
                self._seen = {k: v for k, v in self._seen.items() if v}

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)


class StaffAuth:
    def __init__(self, engine: Engine, settings: ConsoleSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.limiter = LoginLimiter(settings.login_failures, settings.login_window_s)

    def login(self, username: str, password: str, address: str, now: dt.datetime) -> tuple[str, Staff]:
        """A new session's cookie token and its staff member, or ConsoleError."""
        keys = (f"user:{username.strip().lower()}", f"address:{address}")
        wait = self.limiter.retry_after_s(*keys)
        if wait:
            raise ConsoleError(ConsoleCode.LOGIN_RATE_LIMITED, retry_after_s=wait)
        with reading(self.engine) as session:
            user = session.scalars(select(StaffUser).where(StaffUser.username == username.strip())).first()
        if not verify_password(password, user.password_hash if user else DUMMY_HASH) or user is None:
            self.limiter.failed(*keys)
            raise ConsoleError(ConsoleCode.LOGIN_FAILED)
        self.limiter.succeeded(keys[0])
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with writing(self.engine) as session:
            session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            session.add(
                StaffSession(
                    token_sha256=_digest(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    last_used_at=now,
                    expires_at=now + dt.timedelta(seconds=self.settings.session_idle_s),
                )
            )
        return token, Staff(user.id, user.username, csrf)

    def session(self, token: str | None, now: dt.datetime) -> Staff | None:
        """The staff member behind a cookie token, moving its idle expiry forward; None if expired."""
        if not token:
            return None
        with reading(self.engine) as session:
            row = session.execute(
                select(StaffSession, StaffUser.username)
                .join(StaffUser, StaffUser.id == StaffSession.user_id)
                .where(StaffSession.token_sha256 == _digest(token))
            ).one_or_none()
        if row is None or row[0].expires_at <= now:
            return None
        found, username = row
        if now - found.last_used_at >= TOUCH_EVERY:
            idle = now + dt.timedelta(seconds=self.settings.session_idle_s)
            ceiling = found.created_at + dt.timedelta(seconds=self.settings.session_max_s)
            with writing(self.engine) as session:
                session.execute(
                    update(StaffSession)
                    .where(StaffSession.token_sha256 == found.token_sha256)
                    .values(last_used_at=now, expires_at=min(idle, ceiling))
                )
        return Staff(found.user_id, username, found.csrf_token)

    def logout(self, token: str | None) -> None:
        if token:
            with writing(self.engine) as session:
                session.execute(delete(StaffSession).where(StaffSession.token_sha256 == _digest(token)))


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
