"""The console's failures, in the back end's one error envelope (``{"code", "message", "detail"}``)."""

from __future__ import annotations

from enum import StrEnum

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from fundcenter.errors import ErrorBody


class ConsoleCode(StrEnum):
    LOGIN_REQUIRED = "staff_login_required"
    LOGIN_FAILED = "staff_login_failed"
    LOGIN_RATE_LIMITED = "staff_login_rate_limited"
    CSRF_FAILED = "staff_csrf_failed"
    KIOSK_NOT_FOUND = "kiosk_not_found"
    ALERT_NOT_FOUND = "alert_not_found"
    ALERT_CLOSED = "alert_closed"


CATALOGUE: dict[ConsoleCode, tuple[int, str]] = {
    ConsoleCode.LOGIN_REQUIRED: (401, "请先登录监控台"),
    ConsoleCode.LOGIN_FAILED: (401, "用户名或密码不正确"),
    ConsoleCode.LOGIN_RATE_LIMITED: (429, "登录失败次数过多，请稍后再试"),
    ConsoleCode.CSRF_FAILED: (403, "页面已过期，请刷新后重试"),
    ConsoleCode.KIOSK_NOT_FOUND: (404, "未找到该终端"),
    ConsoleCode.ALERT_NOT_FOUND: (404, "未找到该告警"),
    ConsoleCode.ALERT_CLOSED: (409, "该告警已关闭"),
}


class ConsoleError(Exception):
    def __init__(self, code: ConsoleCode, retry_after_s: int | None = None) -> None:
        self.code = code
        self.status, self.message = CATALOGUE[code]
        self.retry_after_s = retry_after_s
        super().__init__(f"{code}: {self.message}")

    def response(self) -> JSONResponse:
        headers = {"Retry-After": str(self.retry_after_s)} if self.retry_after_s else None
        body = ErrorBody(code=self.code.value, message=self.message).model_dump()
        return JSONResponse(body, status_code=self.status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ConsoleError)
    async def _console_error(_request: Request, exc: ConsoleError) -> JSONResponse:
        return exc.response()
