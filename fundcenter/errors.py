"""One error envelope for the whole contract: a stable machine code, a Chinese message, details.

``{"code": "session_expired", "message": "会话已过期，请重新刷卡验证", "detail": null}``

Codes never change meaning once published; the kiosk maps them to its own screens and logs them.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class Code(StrEnum):
    INVALID_REQUEST = "invalid_request"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INTERNAL_ERROR = "internal_error"
    DEVICE_MISSING = "device_missing"
    DEVICE_UNKNOWN = "device_unknown"
    DEVICE_NOT_ENROLLED = "device_not_enrolled"
    DEVICE_REVOKED = "device_revoked"
    DEVICE_CERTIFICATE_MISSING = "device_certificate_missing"
    DEVICE_CERTIFICATE_MISMATCH = "device_certificate_mismatch"
    SIGNATURE_MISSING = "signature_missing"
    SIGNATURE_INVALID = "signature_invalid"
    SIGNATURE_EXPIRED = "signature_expired"
    SIGNATURE_REPLAYED = "signature_replayed"
    CONTENT_DIGEST_MISMATCH = "content_digest_mismatch"
    SUBMISSION_PROOF_INVALID = "submission_proof_invalid"
    ENROLMENT_TOKEN_INVALID = "enrolment_token_invalid"
    ENROLMENT_TOKEN_USED = "enrolment_token_used"
    ENROLMENT_TOKEN_EXPIRED = "enrolment_token_expired"
    CSR_INVALID = "csr_invalid"
    SESSION_MISSING = "session_missing"
    SESSION_INVALID = "session_invalid"
    SESSION_EXPIRED = "session_expired"
    SESSION_WRONG_DEVICE = "session_wrong_device"
    EVIDENCE_REJECTED = "evidence_rejected"
    ID_NUMBER_INVALID = "id_number_invalid"
    MEMBER_NOT_FOUND = "member_not_found"
    REFERENCE_FACE_MISSING = "reference_face_missing"
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_PROGRESS = "idempotency_key_in_progress"
    WITHDRAWAL_TYPE_UNKNOWN = "withdrawal_type_unknown"
    WITHDRAWAL_INELIGIBLE = "withdrawal_ineligible"
    WITHDRAWAL_OVER_LIMIT = "withdrawal_over_limit"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    DOCUMENTS_MISSING = "documents_missing"
    BANK_CARD_INVALID = "bank_card_invalid"
    BANK_CARD_NOT_OWN = "bank_card_not_own"
    WITHDRAWAL_NOT_FOUND = "withdrawal_not_found"
    CERTIFICATE_NOT_FOUND = "certificate_not_found"


# HTTP status and the default Chinese message of every code (a rule may give a more precise message).
CATALOGUE: dict[Code, tuple[int, str]] = {
    Code.INVALID_REQUEST: (422, "请求内容不正确"),
    Code.NOT_FOUND: (404, "请求的资源不存在"),
    Code.METHOD_NOT_ALLOWED: (405, "不支持该请求方法"),
    Code.INTERNAL_ERROR: (500, "系统繁忙，请稍后再试"),
    Code.DEVICE_MISSING: (401, "未识别终端身份"),
    Code.DEVICE_UNKNOWN: (401, "终端未在中心登记"),
    Code.DEVICE_NOT_ENROLLED: (403, "终端尚未完成注册"),
    Code.DEVICE_REVOKED: (403, "终端已被停用，请联系管理员"),
    Code.DEVICE_CERTIFICATE_MISSING: (401, "未出示终端证书，请联系管理员"),
    Code.DEVICE_CERTIFICATE_MISMATCH: (403, "终端证书与终端身份不符，请联系管理员"),
    Code.SIGNATURE_MISSING: (401, "请求未签名，无法确认终端身份"),
    Code.SIGNATURE_INVALID: (401, "请求签名无效，无法确认终端身份"),
    Code.SIGNATURE_EXPIRED: (401, "请求签名时间超出允许范围，请校准终端时钟"),
    Code.SIGNATURE_REPLAYED: (401, "重复提交的请求已被拒绝"),
    Code.CONTENT_DIGEST_MISMATCH: (400, "请求内容在传输中被改动，请重新提交"),
    Code.SUBMISSION_PROOF_INVALID: (403, "提交凭证无效，请重新刷卡办理"),
    Code.ENROLMENT_TOKEN_INVALID: (401, "注册口令不正确"),
    Code.ENROLMENT_TOKEN_USED: (403, "注册口令已使用，请向中心重新申请"),
    Code.ENROLMENT_TOKEN_EXPIRED: (403, "注册口令已过期，请向中心重新申请"),
    Code.CSR_INVALID: (422, "证书申请文件无效"),
    Code.SESSION_MISSING: (401, "请先刷身份证并完成人脸验证"),
    Code.SESSION_INVALID: (401, "会话无效，请重新刷卡验证"),
    Code.SESSION_EXPIRED: (401, "会话已过期，请重新刷卡验证"),
    Code.SESSION_WRONG_DEVICE: (403, "会话不属于本终端，请重新刷卡验证"),
    Code.EVIDENCE_REJECTED: (403, "身份核验未通过"),
    Code.ID_NUMBER_INVALID: (422, "身份证号码不正确"),
    Code.MEMBER_NOT_FOUND: (404, "未查询到您的公积金账户"),
    Code.REFERENCE_FACE_MISSING: (404, "中心未留存您的人脸照片，请到柜台办理"),
    Code.IDEMPOTENCY_KEY_MISSING: (400, "请求缺少幂等键（Idempotency-Key）"),
    Code.IDEMPOTENCY_KEY_INVALID: (400, "幂等键格式不正确"),
    Code.IDEMPOTENCY_KEY_REUSED: (422, "幂等键已用于另一笔不同的业务"),
    Code.IDEMPOTENCY_KEY_IN_PROGRESS: (409, "该笔业务正在办理中，请稍候查询结果"),
    Code.WITHDRAWAL_TYPE_UNKNOWN: (422, "不支持该提取类型"),
    Code.WITHDRAWAL_INELIGIBLE: (422, "不符合提取条件"),
    Code.WITHDRAWAL_OVER_LIMIT: (422, "提取金额超过可提取额度"),
    Code.INSUFFICIENT_BALANCE: (422, "账户余额不足"),
    Code.DOCUMENTS_MISSING: (422, "缺少所需的证明材料"),
    Code.BANK_CARD_INVALID: (422, "银行卡号不正确"),
    Code.BANK_CARD_NOT_OWN: (422, "只能提取到本人名下登记的银行卡"),
    Code.WITHDRAWAL_NOT_FOUND: (404, "未查询到该笔提取业务"),
    Code.CERTIFICATE_NOT_FOUND: (404, "未查询到该缴存证明，请核对验证码"),
}


class ErrorBody(BaseModel):
    """Every error the back end returns has this shape."""

    code: str
    message: str
    detail: Any = None


class ApiError(Exception):
    def __init__(self, code: Code, message: str | None = None, detail: Any = None) -> None:
        self.code = code
        self.status, default = CATALOGUE[code]
        self.message = message or default
        self.detail = detail
        super().__init__(f"{code}: {self.message}")

    def body(self) -> dict[str, Any]:
        return ErrorBody(code=self.code, message=self.message, detail=self.detail).model_dump()

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def responses(*codes: Code) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a route: each status with the codes it may carry."""
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(CATALOGUE[code][0], []).append(code.value)
    return {
        status: {"model": ErrorBody, "description": "错误码: " + ", ".join(names)}
        for status, names in sorted(by_status.items())
    }


def install(app: FastAPI) -> None:
    """Route every failure, FastAPI's own included, through the one envelope."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        for e in exc.errors():  # the Idempotency-Key draft answers a missing key with 400
            if e.get("type") == "missing" and tuple(e.get("loc", ())) == ("header", "Idempotency-Key"):
                return ApiError(Code.IDEMPOTENCY_KEY_MISSING).response()
        problems = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type"), "msg": e.get("msg")}
            for e in exc.errors()
        ]
        return ApiError(Code.INVALID_REQUEST, detail=problems).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            response = ApiError(Code.METHOD_NOT_ALLOWED).response()
            response.headers.update(exc.headers or {})  # Allow: the methods the path supports
            return response
        if exc.status_code == 404:
            return ApiError(Code.NOT_FOUND).response()
        if exc.status_code == 400:  # a body that is not JSON at all: reported like any invalid body
            return ApiError(Code.INVALID_REQUEST, "请求内容不是有效的JSON", detail=exc.detail).response()
        body = ErrorBody(code=Code.INVALID_REQUEST.value, message="请求无法处理", detail=exc.detail)
        return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s", type(exc).__name__, exc_info=exc)
        return ApiError(Code.INTERNAL_ERROR).response()
