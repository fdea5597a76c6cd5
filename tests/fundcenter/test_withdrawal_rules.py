"""Every withdrawal type through the real API: eligible, ineligible with the reason, over the cap."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.helpers import CHEN, HE, LIN, MA, OUYANG, ZHOU, card_of

Member = tuple[str, str]
REVIEW_DOCS = {
    "house_purchase": ["purchase_contract", "purchase_invoice"],
    "house_build": ["building_permit", "cost_proof"],
    "disability": ["work_capacity_appraisal", "termination_proof"],
    "settle_abroad": ["emigration_proof"],
    "serious_illness": ["diagnosis", "medical_invoices"],
    "subsistence_allowance": ["subsistence_certificate"],
    "elevator_installation": ["elevator_agreement"],
}


def withdraw(server: ThreadServer, member: Member, **body: Any) -> tuple[int, dict[str, Any]]:
    kiosk = server.kiosk()
    assert kiosk.open_session(member, now=server.clock()).status_code == 201
    payload = {"bank_card": card_of(member), **body}
    response = kiosk.post("v1/withdrawals", payload, **{"Idempotency-Key": str(uuid.uuid4())})
    return response.status_code, response.json()


def refused(result: tuple[int, dict[str, Any]]) -> tuple[int, str, str]:
    status, body = result
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    return status, body["code"], body["detail"]["reason"]


ELIGIBLE = [
    (LIN, {"type": "rent", "amount_fen": 150000}, "paid", 150000),
    (LIN, {"type": "rent", "amount_fen": 300000, "details": {"months": 2}}, "paid", 300000),
    (LIN, {"type": "rent", "amount_fen": 600000, "details": {"months": 2, "married": True}}, "paid", 600000),
    (OUYANG, {"type": "retirement"}, "paid", 15640077),
    (CHEN, {"type": "resignation_sealed"}, "paid", 4218890),
    (ZHOU, {"type": "loan_repayment", "amount_fen": 1000000}, "paid", 1000000),
    (
        LIN,
        {
            "type": "house_purchase",
            "amount_fen": 5000000,
            "documents": REVIEW_DOCS["house_purchase"],
            "details": {"house_price_fen": 150000000},
        },
        "pending_review",
        5000000,
    ),
    (
        LIN,
        {
            "type": "house_build",
            "amount_fen": 2000000,
            "documents": REVIEW_DOCS["house_build"],
            "details": {"cost_fen": 3000000},
        },
        "pending_review",
        2000000,
    ),
    (LIN, {"type": "disability", "documents": REVIEW_DOCS["disability"]}, "pending_review", 8650432),
    (LIN, {"type": "settle_abroad", "documents": REVIEW_DOCS["settle_abroad"]}, "pending_review", 8650432),
    (
        LIN,
        {
            "type": "serious_illness",
            "amount_fen": 400000,
            "documents": REVIEW_DOCS["serious_illness"],
            "details": {"cost_fen": 500000},
        },
        "pending_review",
        400000,
    ),
    (
        HE,
        {
            "type": "subsistence_allowance",
            "amount_fen": 100000,
            "documents": REVIEW_DOCS["subsistence_allowance"],
        },
        "pending_review",
        100000,
    ),
    (
        LIN,
        {
            "type": "elevator_installation",
            "amount_fen": 1200000,
            "documents": REVIEW_DOCS["elevator_installation"],
            "details": {"cost_fen": 1200000},
        },
        "pending_review",
        1200000,
    ),
]


@pytest.mark.parametrize(
    ("member", "body", "status", "amount"), ELIGIBLE, ids=[c[1]["type"] for c in ELIGIBLE]
)
def test_eligible(
    server: ThreadServer, member: Member, body: dict[str, Any], status: str, amount: int
) -> None:
    kiosk = server.kiosk()
    assert kiosk.open_session(member, now=server.clock()).status_code == 201
    before = kiosk.get("v1/account").json()["balance_fen"]
    response = kiosk.post(
        "v1/withdrawals", {"bank_card": card_of(member), **body}, **{"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["status"], result["amount_fen"]) == (status, amount)
    assert result["bank_card_masked"].endswith(card_of(member)[-4:])
    assert "*" in result["bank_card_masked"]
    account = kiosk.get("v1/account").json()
    if status == "paid":
        assert account["balance_fen"] == before - amount == result["balance_after_fen"]
        assert result["payout_reference"].startswith("PO")
        latest = kiosk.get("v1/account/transactions?limit=1").json()[0]
        assert (latest["kind"], latest["amount_fen"]) == ("withdrawal", -amount)
        assert latest["balance_after_fen"] == account["balance_fen"]
        assert account["status"] == ("closed" if result["closes_account"] else account["status"])
    else:
        assert account["balance_fen"] == before  # paid only after review
        assert result["payout_reference"] is None
    again = kiosk.get(f"v1/withdrawals/{result['id']}").json()
    assert (again["status"], again["amount_fen"], again["type"]) == (status, amount, body["type"])


INELIGIBLE = [
    (LIN, {"type": "rent", "amount_fen": 150001}, (422, "withdrawal_over_limit", "over_rent_cap")),
    (
        LIN,
        {"type": "rent", "amount_fen": 450001, "details": {"months": 3}},
        (422, "withdrawal_over_limit", "over_rent_cap"),
    ),
    (
        LIN,
        {"type": "rent", "amount_fen": 900001, "details": {"months": 3, "married": True}},
        (422, "withdrawal_over_limit", "over_rent_cap"),
    ),
    (
        LIN,
        {"type": "rent", "amount_fen": 100, "details": {"months": 13}},
        (422, "withdrawal_over_limit", "too_many_months"),
    ),
    (
        OUYANG,
        {"type": "rent", "amount_fen": 100},
        (422, "withdrawal_ineligible", "contributions_not_current"),
    ),
    (CHEN, {"type": "rent", "amount_fen": 100}, (422, "withdrawal_ineligible", "account_not_normal")),
    (
        HE,
        {"type": "rent", "amount_fen": 700000, "details": {"months": 12}},
        (422, "insufficient_balance", "insufficient_balance"),
    ),
    (LIN, {"type": "retirement"}, (422, "withdrawal_ineligible", "not_retired")),
    (
        OUYANG,
        {"type": "retirement", "amount_fen": 100},
        (422, "withdrawal_ineligible", "amount_must_be_full_balance"),
    ),
    (LIN, {"type": "resignation_sealed"}, (422, "withdrawal_ineligible", "account_not_sealed")),
    (LIN, {"type": "loan_repayment", "amount_fen": 100}, (422, "withdrawal_ineligible", "no_active_loan")),
    (LIN, {"type": "house_purchase", "amount_fen": 100}, (422, "documents_missing", "documents_missing")),
    (
        LIN,
        {
            "type": "house_purchase",
            "amount_fen": 2000001,
            "documents": REVIEW_DOCS["house_purchase"],
            "details": {"house_price_fen": 2000000},
        },
        (422, "withdrawal_over_limit", "over_house_price"),
    ),
    (
        LIN,
        {"type": "house_build", "amount_fen": 100, "documents": REVIEW_DOCS["house_build"]},
        (422, "invalid_request", "detail_required"),
    ),
    (
        LIN,
        {"type": "disability", "documents": ["termination_proof"]},
        (422, "documents_missing", "documents_missing"),
    ),
    (LIN, {"type": "settle_abroad"}, (422, "documents_missing", "documents_missing")),
    (
        LIN,
        {
            "type": "serious_illness",
            "amount_fen": 500001,
            "documents": REVIEW_DOCS["serious_illness"],
            "details": {"cost_fen": 500000},
        },
        (422, "withdrawal_over_limit", "over_cost"),
    ),
    (
        HE,
        {"type": "subsistence_allowance", "amount_fen": 100},
        (422, "documents_missing", "documents_missing"),
    ),
    (
        LIN,
        {
            "type": "elevator_installation",
            "amount_fen": 1200001,
            "documents": REVIEW_DOCS["elevator_installation"],
            "details": {"cost_fen": 1200000},
        },
        (422, "withdrawal_over_limit", "over_cost"),
    ),
    (MA, {"type": "retirement"}, (422, "withdrawal_ineligible", "account_closed")),
    (LIN, {"type": "lottery", "amount_fen": 100}, (422, "withdrawal_type_unknown", "unknown_type")),
    (
        LIN,
        {"type": "rent", "amount_fen": 100, "bank_card": "6222020200000000010"},
        (422, "bank_card_invalid", "luhn_check_failed"),
    ),
    (
        LIN,
        {"type": "rent", "amount_fen": 100, "bank_card": card_of(HE)},
        (422, "bank_card_not_own", "not_registered_card"),
    ),
]


@pytest.mark.parametrize(
    ("member", "body", "expected"), INELIGIBLE, ids=[f"{c[1]['type']}-{c[2][2]}" for c in INELIGIBLE]
)
def test_ineligible_with_reason(
    server: ThreadServer, member: Member, body: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    assert refused(withdraw(server, member, **body)) == expected


def test_sealed_account_must_wait_the_configured_months(server: ThreadServer) -> None:
    server.clock.current = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)  # sealed since 2026-01-15
    status, body = withdraw(server, CHEN, type="resignation_sealed")
    assert (status, body["code"], body["detail"]["reason"]) == (
        422,
        "withdrawal_ineligible",
        "sealed_too_recently",
    )
    assert body["detail"]["months_required"] == 6
    assert body["message"] == "账户封存须满6个月"


def test_catalogue_lists_every_type(server: ThreadServer) -> None:
    import requests

    types = requests.get(f"{server.url}v1/withdrawal-types", timeout=30).json()
    codes = {t["code"] for t in types}
    assert codes == {c[1]["type"] for c in ELIGIBLE}
    by_code = {t["code"]: t for t in types}
    assert by_code["retirement"]["closes_account"] is True
    assert by_code["rent"]["approval"] == "instant"
    assert by_code["house_purchase"]["approval"] == "review"
    assert [d["code"] for d in by_code["house_purchase"]["documents"]] == REVIEW_DOCS["house_purchase"]
