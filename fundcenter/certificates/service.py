"""Issue a signed deposit certificate and find it again by its verification code."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from sqlalchemy import select

from fundcenter import masking
from fundcenter.certificates import content, pdf, seal
from fundcenter.context import Context
from fundcenter.db import reading, writing
from fundcenter.errors import ApiError, Code
from fundcenter.models import Certificate, Member
from fundcenter.withdrawals.service import china_date

log = logging.getLogger(__name__)
COUNTER = "柜台"


@dataclass(frozen=True)
class Issued:
    code: str
    pdf: bytes
    fields: content.CertificateFields


def verify_url(ctx: Context, code: str) -> str:
    return f"{ctx.settings.public_base_url.rstrip('/')}/verify/{code}"


def issue(ctx: Context, member_id: int, *, device_id: str | None) -> Issued:
    """Render, sign and record one certificate (经办: the kiosk, or the counter when no device)."""
    now = ctx.now()
    operator = f"自助终端 {device_id}" if device_id else COUNTER
    with reading(ctx.engine) as session:
        member = session.get(Member, member_id)
    if member is None:
        raise ApiError(Code.MEMBER_NOT_FOUND)
    seal_png = seal.seal_image(ctx.data_dir, ctx.settings.center_name, ctx.settings.font_path)
    code = _unused_code(ctx)
    fields = content.fields_for(
        member, center=ctx.settings.center_name, code=code, operator=operator, today=china_date(now)
    )
    unsigned = pdf.render(
        fields, verify_url=verify_url(ctx, code), seal_png=seal_png, font_path=ctx.settings.font_path
    )
    signed = ctx.sealer.sign(unsigned, reason=content.TITLE, location=ctx.settings.center_name)
    with writing(ctx.engine) as session:
        session.add(
            Certificate(
                code=code,
                member_id=member.id,
                device_id=device_id,
                operator=operator,
                issued_at=now,
                fields=json.dumps(fields.as_dict(), ensure_ascii=False),
                pdf_sha256=hashlib.sha256(signed).hexdigest(),
            )
        )
    log.info("certificate %s issued for %s by %s", code, masking.id_number(member.id_number), operator)
    return Issued(code, signed, fields)


def _unused_code(ctx: Context) -> str:
    """80 random bits collide essentially never; the unique index would stop one that did."""
    with reading(ctx.engine) as session:
        while True:
            code = content.new_code()
            if session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
                return code


def find(ctx: Context, code: str) -> Certificate:
    with reading(ctx.engine) as session:
        found = session.scalars(
            select(Certificate).where(Certificate.code == content.normalise_code(code))
        ).one_or_none()
    if found is None:
        raise ApiError(Code.CERTIFICATE_NOT_FOUND)
    return found


def public_fields(found: Certificate) -> dict[str, str]:
    """What the public page shows: everything printed, with the name and ID number masked."""
    shown: dict[str, str] = json.loads(found.fields)
    shown["name"] = masking.name(shown["name"])
    shown["id_number"] = masking.id_number(shown["id_number"])
    return shown
