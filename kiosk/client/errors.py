"""One exception root for talking to the back end; each error has a Chinese message for the member
and a precise line for the technician (``str(error)``, with the cause attached as ``__cause__``)."""

from __future__ import annotations


class BackEndError(Exception):
    message_zh = "服务暂时不可用，请稍后再试或咨询工作人员"


class DeadlineExceeded(BackEndError):
    """The operation's overall deadline passed (attempts and waits included)."""

    message_zh = "网络较慢，请稍后再试"


class BackEndUnreachable(BackEndError):
    """No connection could be made (refused, DNS, reset, black-holed until the connect timeout)."""

    message_zh = "暂时无法连接服务中心，请稍后再试"


class CircuitOpen(BackEndUnreachable):
    """Recent calls failed; calls fail fast for a while instead of making the member wait."""


class PinningFailed(BackEndError):
    """The server's key is not one of the pinned keys: no request was sent."""

    message_zh = "安全校验未通过，本机暂停服务，请联系工作人员"


class TlsFailed(BackEndError):
    """The TLS handshake failed (unknown CA, expired certificate, client certificate refused)."""

    message_zh = "安全连接失败，请联系工作人员"


class Unauthorised(BackEndError):
    message_zh = "身份验证已失效，请重新办理"

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"HTTP {status} {code}: {detail}")
        self.status = status
        self.code = code


class RefusedByRule(BackEndError):
    """The back end refused by a business rule; ``code`` is its stable machine code."""

    def __init__(self, status: int, code: str, message_zh: str) -> None:
        super().__init__(f"HTTP {status} {code}: {message_zh}")
        self.status = status
        self.code = code
        self.message_zh = message_zh or BackEndError.message_zh


class ServerFault(BackEndError):
    """5xx after the retries, or a response that breaks the contract."""

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status


class OutcomeUnknown(BackEndError):
    """A non-idempotent request may or may not have taken effect (cut mid-response, timeout after
    sending). Only asking the back end about its Idempotency-Key resolves it."""

    message_zh = "业务已提交，结果将以短信通知您"
