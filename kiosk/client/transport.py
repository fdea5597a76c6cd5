"""The hardened back-end client: every call bounded by timeouts and a deadline, retried only when
that cannot move money twice, signed, over pinned mutual TLS, behind a circuit breaker.

Attempts are driven here (not inside urllib3) so that no wait outlasts the operation's deadline;
urllib3's ``Retry`` value decides what is retried and how long to back off.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import pybreaker
import requests
from urllib3 import HTTPResponse
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from kiosk.client import errors
from kiosk.client.policy import IDEMPOTENT_METHODS, MEMBER, Deadline, TransportPolicy
from kiosk.client.signing import Signer, content_digest
from kiosk.client.tls import TrustAdapter, TrustSettings

log = logging.getLogger(__name__)
# Failures that say "the back end is not there"; a refusal by rule is an answer, not a failure.
_BREAKER_FAILURES = (errors.BackEndUnreachable, errors.ServerFault, errors.DeadlineExceeded, errors.TlsFailed)
# A signature's ``created`` is the kiosk's own clock while it agrees with the back end's within this
# much; beyond it (no NTP on the outlet's network, a dead RTC battery) the offset measured from the
# back end's Date header corrects it, so the kiosk stays in service while the health check reports
# the drift. The back end's window (60 s by default) is far wider than this.
CLOCK_CORRECTION_S = 5.0
SIGNATURE_CLOCK_CODE = "signature_expired"


@dataclass(frozen=True, slots=True)
class ClientSettings:
    base_url: str
    device_id: str
    trust: TrustSettings | None = None  # None: plain HTTP, for the embedded demo back end only
    signer: Signer | None = None
    breaker_failures: int = 5
    breaker_reset_s: float = 30.0


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: Any  # decoded JSON, or the raw bytes of any other content type
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Call:
    method: str
    path: str
    body: Any
    idempotency_key: str | None
    session_token: str | None
    policy: TransportPolicy
    extra_headers: Mapping[str, str] | None = None


def encode_body(body: Any) -> bytes:
    """The bytes a JSON body is sent as (and its Content-Digest computed over)."""
    return b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class _Failure:
    problem: errors.BackEndError
    error: Exception | None  # for urllib3's Retry: a connect or a read error
    sent: bool  # the request may have reached the back end
    response: HTTPResponse | None = None  # an error status from the back end


class BackEndClient:
    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self._http = requests.Session()
        self._http.trust_env = False  # no proxies or netrc from the environment
        if settings.trust is not None:
            self._http.mount("https://", TrustAdapter(settings.trust))
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=settings.breaker_failures,
            reset_timeout=settings.breaker_reset_s,
            exclude=[lambda exc: not isinstance(exc, _BREAKER_FAILURES)],
            throw_new_error_on_trip=False,
            name="back-end",
        )
        self.clock_offset_s: float | None = None  # server clock minus ours, from Date headers

    def close(self) -> None:
        self._http.close()

    # -- one operation -------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        idempotency_key: str | None = None,
        session_token: str | None = None,
        policy: TransportPolicy = MEMBER,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one operation; returns the decoded 2xx reply or raises a :class:`BackEndError`."""
        method = method.upper()
        call = _Call(method, path, body, idempotency_key, session_token, policy, headers)
        try:
            result: Reply = self.breaker.call(self._attempts, call)
        except pybreaker.CircuitBreakerError as exc:
            raise errors.CircuitOpen("recent calls to the back end failed; failing fast") from exc
        return result

    def _attempts(self, call: _Call) -> Reply:
        method, path, policy = call.method, call.path, call.policy
        url = urljoin(self.settings.base_url, path.lstrip("/"))
        payload = encode_body(call.body)
        deadline = Deadline.after(policy.deadline_s)
        retry: Retry = policy.retry
        # A request that may move money is repeated only under the same Idempotency-Key.
        repeatable = method in IDEMPOTENT_METHODS or call.idempotency_key is not None
        clock_retried = False
        while True:
            if deadline.passed:
                raise errors.DeadlineExceeded(f"{method} {path}: deadline of {policy.deadline_s:g} s passed")
            # ``total`` bounds connect and read together: each alone within the deadline is not enough.
            timeout = Timeout(
                connect=min(policy.connect_timeout_s, deadline.remaining_s),
                read=min(policy.read_timeout_s, deadline.remaining_s),
                total=deadline.remaining_s,
            )
            outcome = self._attempt(call, url, payload, timeout, deadline)
            if isinstance(outcome, Reply):
                return outcome
            if outcome.response is not None:  # the back end answered with an error status
                if not clock_retried and self._clock_refused(outcome.problem):
                    clock_retried = True  # refused before acting: once more, on the back end's time
                    continue
                has_retry_after = "Retry-After" in outcome.response.headers
                if not repeatable or not retry.is_retry(method, outcome.response.status, has_retry_after):
                    raise outcome.problem
            elif outcome.sent and not repeatable:
                raise errors.OutcomeUnknown(f"{outcome.problem}; may have taken effect") from outcome.problem
            retry, wait = _next(retry, method, url, outcome)
            self._wait(wait, deadline, outcome.problem, method, path)

    def _attempt(
        self, call: _Call, url: str, payload: bytes, timeout: Timeout, deadline: Deadline
    ) -> Reply | _Failure:
        """One request; a reply, or what went wrong and whether the request may have reached the back end."""
        method, path = call.method, call.path
        headers = self._headers(method, url, payload, call)
        try:
            response = self._http.request(
                method,
                url,
                data=payload or None,
                headers=headers,
                timeout=timeout,  # type: ignore[arg-type]  # requests passes urllib3's Timeout on as is
                allow_redirects=False,
                stream=True,  # the body is read below, piece by piece, against the deadline
            )
            with response:
                late = _read_body(response, deadline)
        except errors.PinningFailed:
            raise
        except requests.exceptions.SSLError as exc:
            raise errors.TlsFailed(f"TLS with {url} failed: {exc}") from exc
        except requests.exceptions.ConnectTimeout as exc:
            problem = errors.BackEndUnreachable(f"{method} {path}: connect timeout")
            return _Failure(problem, ConnectTimeoutError(None, url, str(exc)), sent=False)
        except requests.exceptions.ReadTimeout as exc:
            slow = errors.DeadlineExceeded(f"{method} {path}: no answer within {timeout.read_timeout:.1f} s")
            return _Failure(slow, ReadTimeoutError(None, url, str(exc)), sent=True)  # type: ignore[arg-type]
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            sent = _was_sent(exc)
            problem = errors.BackEndUnreachable(
                f"{method} {path}: {'cut' if sent else 'no connection'}: {exc}"
            )
            failure = ProtocolError(str(exc)) if sent else ConnectTimeoutError(None, url, str(exc))
            return _Failure(problem, failure, sent=sent)
        if late:
            slow = errors.DeadlineExceeded(f"{method} {path}: the answer was still arriving at the deadline")
            return _Failure(slow, ProtocolError("answer too slow"), sent=True)
        self._note_clock(response)
        return self._judge(method, path, response)

    def _judge(self, method: str, path: str, response: requests.Response) -> Reply | _Failure:
        """A complete answer: a 2xx reply, or the failure it stands for."""
        status = response.status_code
        if 300 <= status < 400:  # a captive portal or a misrouted proxy answered, not the back end
            fault = errors.ServerFault(f"{method} {path}: unexpected redirect (HTTP {status})", status)
            return _Failure(fault, None, sent=True, response=_as_urllib3(response))
        if status >= 400:
            return _Failure(
                self._refusal(method, path, response), None, sent=True, response=_as_urllib3(response)
            )
        if not _complete(response):
            # Headers cut before their framing arrived look like an empty success: they are not one.
            cut = errors.BackEndUnreachable(f"{method} {path}: answer cut short")
            return _Failure(cut, ProtocolError("answer cut short"), sent=True)
        return self._reply(method, path, response)

    # -- pieces --------------------------------------------------------------------------------
    def _headers(self, method: str, url: str, payload: bytes, call: _Call) -> dict[str, str]:
        headers = {
            **(call.extra_headers or {}),
            "Accept": "application/json",
            "Content-Digest": content_digest(payload),
            "X-Device-Id": self.settings.device_id,
        }
        if payload:
            headers["Content-Type"] = "application/json"
        if call.idempotency_key is not None:
            headers["Idempotency-Key"] = call.idempotency_key
        if call.session_token is not None:
            headers["Authorization"] = f"Bearer {call.session_token}"
        if self.settings.signer is not None:
            headers |= self.settings.signer.sign(method, url, headers, created=self.signing_time())
        return headers

    def signing_time(self) -> int:
        """``created`` for a signature: our clock, or the back end's when ours is known to be off."""
        offset = self.clock_offset_s
        if offset is not None and abs(offset) > CLOCK_CORRECTION_S:
            return int(time.time() + offset)
        return int(time.time())

    def _clock_refused(self, problem: errors.BackEndError) -> bool:
        """The back end refused our signature's time and its Date header has just told us its own."""
        return (
            isinstance(problem, errors.Unauthorised)
            and problem.code == SIGNATURE_CLOCK_CODE
            and self.clock_offset_s is not None
            and abs(self.clock_offset_s) > CLOCK_CORRECTION_S
        )

    def _reply(self, method: str, path: str, response: requests.Response) -> Reply:
        if not response.content:
            return Reply(response.status_code, None, dict(response.headers))
        if not response.headers.get("Content-Type", "application/json").startswith("application/json"):
            return Reply(response.status_code, response.content, dict(response.headers))  # a PDF, a PEM
        try:
            return Reply(response.status_code, response.json(), dict(response.headers))
        except ValueError:
            raise errors.ServerFault(
                f"{method} {path}: malformed JSON in a {response.status_code} reply", response.status_code
            ) from None

    def _refusal(self, method: str, path: str, response: requests.Response) -> errors.BackEndError:
        status = response.status_code
        try:
            envelope = response.json()
        except ValueError:
            envelope = {}
        code = str(envelope.get("code", f"http_{status}")) if isinstance(envelope, dict) else f"http_{status}"
        message = str(envelope.get("message", "")) if isinstance(envelope, dict) else ""
        if status >= 500:
            return errors.ServerFault(f"{method} {path}: HTTP {status} {code}", status)
        if status in (401, 403):
            return errors.Unauthorised(status, code, message)
        return errors.RefusedByRule(status, code, message)

    def _note_clock(self, response: requests.Response) -> None:
        date = response.headers.get("Date")
        if not date:
            return
        try:
            server = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return
        elapsed = response.elapsed.total_seconds()
        self.clock_offset_s = server - (time.time() - elapsed / 2)

    @staticmethod
    def _wait(
        seconds: float, deadline: Deadline, problem: errors.BackEndError, method: str, path: str
    ) -> None:
        if seconds >= deadline.remaining_s:
            log.warning("giving up before the deadline: %s", problem)
            raise problem
        log.info("%s; retrying in %.2f s", problem, seconds)
        time.sleep(seconds)


def _next(retry: Retry, method: str, url: str, failure: _Failure) -> tuple[Retry, float]:
    """The next Retry value and how long to wait; the problem itself when retries are spent."""
    response = failure.response
    try:
        retry = retry.increment(method, url, response=response, error=failure.error)
    except MaxRetryError:
        raise failure.problem from None
    wait = retry.get_retry_after(response) if response is not None else None
    return retry, wait if wait is not None else retry.get_backoff_time()


def _read_body(response: requests.Response, deadline: Deadline) -> bool:
    """Read the body in whatever pieces arrive, checking the deadline between them (a server that
    drips its answer cannot hold a member past it). True when the deadline cut the read short."""
    pieces = []
    try:
        while True:
            if deadline.passed:
                return True
            _bound_socket_wait(response, deadline)
            piece = response.raw.read1(65536, decode_content=True)
            if not piece:
                break
            pieces.append(piece)
    except (ProtocolError, ReadTimeoutError, OSError) as exc:
        if deadline.remaining_s <= _SOCKET_SLACK_S:  # the wait bounded by the deadline ran out
            return True
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    response._content = b"".join(pieces)
    return False


_SOCKET_SLACK_S = 0.01


def _bound_socket_wait(response: requests.Response, deadline: Deadline) -> None:
    """A blocked read of the body may not outlast the deadline: the socket waits what is left of it."""
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        sock.settimeout(max(_SOCKET_SLACK_S, deadline.remaining_s))


def _complete(response: requests.Response) -> bool:
    """A 2xx answer of our contract is framed (Content-Length or chunked) and, but for 204, has a body."""
    if response.status_code == 204:
        return True
    framed = "Content-Length" in response.headers or "chunked" in response.headers.get(
        "Transfer-Encoding", ""
    )
    return framed and bool(response.content)


def _as_urllib3(response: requests.Response) -> HTTPResponse:
    return HTTPResponse(
        body=b"", headers=dict(response.headers), status=response.status_code, preload_content=False
    )


def _was_sent(exc: Exception) -> bool:
    """Did the request leave before the connection failed? (A refused connect sends nothing.)"""
    text = repr(exc)
    never_sent = ("NewConnectionError", "ConnectTimeoutError", "Connection refused", "Name or service")
    return not any(marker in text for marker in never_sent)
