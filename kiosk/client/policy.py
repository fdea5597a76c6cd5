"""Transport policy as immutable values: timeouts, an overall deadline, and urllib3's ``Retry``.

The client drives attempts itself so that every wait and every attempt fits the operation's
deadline; urllib3's ``Retry`` supplies the decisions (which statuses, backoff with jitter, a capped
``Retry-After``) as a value whose ``increment()`` returns a new one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def default_retry() -> Retry:
    return Retry(
        total=3,
        connect=3,
        read=2,
        status=3,
        backoff_factor=0.2,
        backoff_jitter=0.2,
        backoff_max=2.0,
        status_forcelist=RETRY_STATUSES,
        # POST is retried only with an Idempotency-Key; the client checks that before asking Retry.
        allowed_methods=IDEMPOTENT_METHODS | {"POST"},
        respect_retry_after_header=True,
        retry_after_max=5,  # urllib3's default would let a server park a member for six hours
        raise_on_status=False,
    )


@dataclass(frozen=True, slots=True)
class TransportPolicy:
    connect_timeout_s: float = 2.0
    read_timeout_s: float = 5.0
    deadline_s: float = 8.0  # the whole operation, retries and waits included
    retry: Retry = field(default_factory=default_retry)

    def with_deadline(self, deadline_s: float) -> TransportPolicy:
        return replace(self, deadline_s=deadline_s)


# A member waits at the screen: short. The outbox sender and heartbeats can wait longer.
MEMBER = TransportPolicy()
BACKGROUND = TransportPolicy(connect_timeout_s=5.0, read_timeout_s=20.0, deadline_s=60.0)


@dataclass(frozen=True, slots=True)
class Deadline:
    expires_at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.expires_at - time.monotonic())

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.expires_at
