"""Withdrawals: the type catalogue, submission under an Idempotency-Key, queries by id and by key."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from fundcenter.context import Context, context
from fundcenter.db import reading
from fundcenter.devices.identity import Arrival, arrival, current_device
from fundcenter.errors import ApiError, Code, responses
from fundcenter.models import Device, IdempotencyRecord, LedgerEntry, Member, Withdrawal
from fundcenter.routes.sessions import DEVICE_ERRORS, SESSION_ERRORS
from fundcenter.sessions.service import Authorised, bearer_token, member_session
from fundcenter.withdrawals import idempotency, late
from fundcenter.withdrawals.rules import DOCUMENTS, TYPES
from fundcenter.withdrawals.service import WithdrawalRequest, WithdrawalResult, request_fingerprint, submit

router = APIRouter(tags=["withdrawals"])
RULE_ERRORS = (
    Code.WITHDRAWAL_TYPE_UNKNOWN,
    Code.WITHDRAWAL_INELIGIBLE,
    Code.WITHDRAWAL_OVER_LIMIT,
    Code.INSUFFICIENT_BALANCE,
    Code.DOCUMENTS_MISSING,
    Code.BANK_CARD_INVALID,
    Code.BANK_CARD_NOT_OWN,
)


class DocumentInfo(BaseModel):
    code: str
    title: str


class TypeInfo(BaseModel):
    code: str
    title: str
    basis: str
    documents: list[DocumentInfo]
    closes_account: bool
    approval: str


class KeyStatus(BaseModel):
    key: str
    state: str
    created_at: dt.datetime
    expires_at: dt.datetime
    response_status: int | None
    response: Any = None


@router.get("/v1/withdrawal-types")
def withdrawal_types() -> list[TypeInfo]:
    """Every withdrawal type with its legal basis, documents, and whether it closes the account."""
    return [
        TypeInfo(
            code=t.code,
            title=t.title,
            basis=t.basis,
            documents=[DocumentInfo(code=d, title=DOCUMENTS[d]) for d in t.documents],
            closes_account=t.closes_account,
            approval=t.approval,
        )
        for t in TYPES.values()
    ]


@router.post(
    "/v1/withdrawals",
    status_code=201,
    response_model=WithdrawalResult,
    responses=responses(
        *SESSION_ERRORS,
        *RULE_ERRORS,
        Code.IDEMPOTENCY_KEY_MISSING,
        Code.IDEMPOTENCY_KEY_INVALID,
        Code.IDEMPOTENCY_KEY_REUSED,
        Code.IDEMPOTENCY_KEY_IN_PROGRESS,
        Code.SUBMISSION_PROOF_INVALID,
        Code.INVALID_REQUEST,
    ),
)
def create_withdrawal(
    body: WithdrawalRequest,
    request: Request,
    *,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            description="unique per withdrawal (a UUID); a Structured Field string or a bare token",
        ),
    ],
    device: Device = Depends(current_device),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
    arrived: Arrival = Depends(arrival),  # noqa: B008
    submitted_at: Annotated[
        int | None,
        Header(
            alias=late.SUBMITTED_AT,
            ge=0,
            le=2**40,
            description="when the member confirmed (epoch seconds), device-signed: for late outbox items",
        ),
    ] = None,
    submission_signature: Annotated[
        str | None,
        Header(alias=late.SIGNATURE, max_length=256, description="`:base64(r||s):` over the submission"),
    ] = None,
) -> JSONResponse:
    """Submit a withdrawal. Retries reuse the key and receive the first answer (``Idempotent-Replayed``).

    A finished request is replayed even after the session expired, so a kiosk's outbox can always learn
    what happened to a withdrawal it sent. A withdrawal first arriving after its session expired or
    ended is decided if the device proves (``X-Submitted-At`` + ``X-Submission-Signature``) that the
    member confirmed it while the session was valid.
    """
    key = idempotency.parse_key(idempotency_key)
    now = ctx.now()
    held = idempotency.claim(
        ctx.engine,
        device_id=device.id,
        key=key,
        print_=request_fingerprint(body),
        now=now,
        ttl=dt.timedelta(days=ctx.settings.idempotency_ttl_days),
        lease=dt.timedelta(seconds=ctx.settings.idempotency_lease_s),
    )
    if isinstance(held, idempotency.Replay):
        return JSONResponse(held.body, status_code=held.status, headers={idempotency.REPLAYED: "true"})
    try:
        proof = late.Proof(submitted_at, submission_signature, arrived.request.body)
        auth = late.authorise_submission(ctx, device, bearer_token(request), key, proof)
        outcome = submit(ctx, held, member_id=auth.member.id, device_id=device.id, key=key, request=body)
    except BaseException:
        idempotency.release(ctx.engine, held)  # nothing was stored: the key may be used again
        raise
    return JSONResponse(outcome.body, status_code=outcome.status)


@router.get(
    "/v1/withdrawals/by-key/{key}",
    responses=responses(*DEVICE_ERRORS, Code.WITHDRAWAL_NOT_FOUND),
)
def withdrawal_by_key(
    key: Annotated[str, Path(max_length=255)],
    device: Device = Depends(current_device),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> KeyStatus:
    """What became of the request this device sent under ``key`` (no member session needed)."""
    record: IdempotencyRecord | None = idempotency.lookup(ctx.engine, device.id, key, ctx.now())
    if record is None:
        raise ApiError(Code.WITHDRAWAL_NOT_FOUND)
    return KeyStatus(
        key=record.key,
        state=record.state,
        created_at=record.created_at,
        expires_at=record.expires_at,
        response_status=record.response_status,
        response=json.loads(record.response_body) if record.response_body else None,
    )


@router.get(
    "/v1/withdrawals/{withdrawal_id}", responses=responses(*SESSION_ERRORS, Code.WITHDRAWAL_NOT_FOUND)
)
def withdrawal_by_id(
    withdrawal_id: Annotated[int, Path(ge=1, le=2**62)],
    auth: Authorised = Depends(member_session),  # noqa: B008
    ctx: Context = Depends(context),  # noqa: B008
) -> WithdrawalResult:
    """One of the member's own withdrawals."""
    with reading(ctx.engine) as session:
        found = session.scalars(
            select(Withdrawal).where(Withdrawal.id == withdrawal_id, Withdrawal.member_id == auth.member.id)
        ).one_or_none()
        if found is None:
            raise ApiError(Code.WITHDRAWAL_NOT_FOUND)
        entry = session.scalars(
            select(LedgerEntry).where(LedgerEntry.withdrawal_id == found.id)
        ).one_or_none()
        member = session.get(Member, auth.member.id)
    balance = entry.balance_after_fen if entry else (member or auth.member).balance_fen
    return WithdrawalResult.of(found, balance)
