"""Deposit certificates: the member's signed PDF, and the public verification by code (JSON and page)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel

from fundcenter.certificates import service
from fundcenter.certificates.content import TITLE
from fundcenter.context import Context, context
from fundcenter.errors import ApiError, Code, responses
from fundcenter.routes.sessions import SESSION_ERRORS
from fundcenter.sessions.service import Authorised, member_session

router = APIRouter(tags=["certificates"])
CODE_PATH = Path(min_length=4, max_length=40, description="the verification code printed on the certificate")
LABELS = {
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "personal_account": "个人账号",
    "employer_name": "单位名称",
    "unit_account": "单位账号",
    "open_date": "开户日期",
    "account_status": "账户状态",
    "contribution_base": "缴存基数",
    "employer_rate": "单位缴存比例",
    "personal_rate": "个人缴存比例",
    "monthly_amount": "月缴存额",
    "paid_up_to": "缴至年月",
    "balance": "账户余额",
    "loan_status": "贷款情况",
    "issue_date": "出具日期",
    "verification_code": "验证码",
    "operator": "经办",
}


class CertificateCheck(BaseModel):
    code: str
    issued_at: dt.datetime
    operator: str
    pdf_sha256: str
    fields: dict[str, str]


@router.post(
    "/v1/certificates",
    response_class=Response,
    responses={
        **responses(*SESSION_ERRORS),
        200: {"content": {"application/pdf": {}}, "description": "signed PDF"},
    },
)
def issue_certificate(
    auth: Authorised = Depends(member_session),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> Response:
    """The member's deposit certificate, sealed with the center's PAdES signature.

    The verification code is also in the ``X-Verification-Code`` header.
    """
    issued = service.issue(ctx, auth.member.id, device_id=auth.device.id)
    return Response(
        issued.pdf,
        media_type="application/pdf",
        headers={
            "X-Verification-Code": issued.code,
            "Content-Disposition": f'attachment; filename="certificate-{issued.code}.pdf"',
        },
    )


@router.get(
    "/v1/certificates/trust.pem",
    response_class=PlainTextResponse,
    responses={200: {"content": {"application/x-pem-file": {}}}},
)
def seal_trust_anchor(ctx: Context = Depends(context)) -> PlainTextResponse:  # noqa: B008
    """The root certificate the certificate seal chains to: what a kiosk checks before printing."""
    return PlainTextResponse(ctx.sealer.root.certificate_pem(), media_type="application/x-pem-file")


@router.get("/v1/certificates/verify/{code}", responses=responses(Code.CERTIFICATE_NOT_FOUND))
def verify_certificate(
    code: Annotated[str, CODE_PATH],
    ctx: Context = Depends(context),  # noqa: B008
) -> CertificateCheck:
    """Public: what was issued under this code (name and ID number masked)."""
    found = service.find(ctx, code)
    return CertificateCheck(
        code=found.code,
        issued_at=found.issued_at,
        operator=found.operator,
        pdf_sha256=found.pdf_sha256,
        fields=service.public_fields(found),
    )


@router.get(
    "/verify/{code}",
    response_class=HTMLResponse,
    responses={404: {"content": {"text/html": {}}, "description": "no certificate with this code"}},
)
def verification_page(
    code: Annotated[str, CODE_PATH],
    ctx: Context = Depends(context),  # noqa: B008
) -> HTMLResponse:
    """Public page the QR code opens: the certificate as issued, or a clear "not found"."""
    try:
        found = service.find(ctx, code)
    except ApiError as exc:
        return HTMLResponse(_page("未找到该证明", f"<p>{html.escape(exc.message)}</p>"), status_code=404)
    fields = service.public_fields(found)
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(fields.get(key, ''))}</td></tr>"
        for key, label in LABELS.items()
    )
    body = (
        f"<p class=ok>该证明由{html.escape(fields.get('center', ''))}出具，内容如下。</p>"
        f"<table>{rows}</table><p class=hash>PDF SHA-256: {found.pdf_sha256}</p>"
    )
    return HTMLResponse(_page(f"{TITLE} 核验", body))


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}"
        "th{text-align:left;padding-right:1em}.ok{color:#060}.hash{font-size:small;color:#666}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
