"""Withdrawals that need documents: pending until a reviewer approves (paid) or rejects them."""

from __future__ import annotations

import uuid

from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.conftest import ThreadServer, new_kiosk
from tests.fundcenter.helpers import HE, LIN, card_of, fundcenter_cli

PURCHASE = {
    "type": "house_purchase",
    "amount_fen": 2_000_000,
    "documents": ["purchase_contract", "purchase_invoice"],
    "details": {"house_price_fen": 100_000_000},
    "bank_card": card_of(LIN),
}


def test_approval_pays_with_a_ledger_entry(server: ThreadServer) -> None:
    from fundcenter.withdrawals import review

    kiosk = server.kiosk()
    kiosk.open_session(LIN, now=server.clock())
    before = kiosk.get("v1/account").json()["balance_fen"]
    submitted = kiosk.post("v1/withdrawals", PURCHASE, **{"Idempotency-Key": str(uuid.uuid4())}).json()
    assert submitted["status"] == "pending_review"
    assert [w.id for w in review.pending(server.engine)] == [submitted["id"]]
    assert review.approve(server.engine, submitted["id"], server.clock()) == before - 2_000_000
    after = kiosk.get(f"v1/withdrawals/{submitted['id']}").json()
    assert (after["status"], after["review_note"]) == ("paid", "审核通过")
    assert after["payout_reference"].startswith("PO")
    latest = kiosk.get("v1/account/transactions?limit=1").json()[0]
    assert (latest["kind"], latest["amount_fen"]) == ("withdrawal", -2_000_000)
    assert review.pending(server.engine) == []


def test_counter_rejects_from_the_command_line(fundcenter: EmbeddedBackEnd) -> None:
    kiosk = new_kiosk(fundcenter)
    kiosk.open_session(HE)
    body = {
        "type": "subsistence_allowance",
        "amount_fen": 1000,
        "documents": ["subsistence_certificate"],
        "bank_card": card_of(HE),
    }
    submitted = kiosk.post("v1/withdrawals", body, **{"Idempotency-Key": str(uuid.uuid4())}).json()
    listed = fundcenter_cli(fundcenter.data_dir, "withdrawal", "pending")
    assert f"{submitted['id']}\tsubsistence_allowance\t1000" in listed.stdout
    rejected = fundcenter_cli(
        fundcenter.data_dir, "withdrawal", "reject", "--id", str(submitted["id"]), "--note", "低保证明已过期"
    )
    assert rejected.returncode == 0, rejected.stderr
    after = kiosk.get(f"v1/withdrawals/{submitted['id']}").json()
    assert (after["status"], after["review_note"]) == ("rejected", "低保证明已过期")
    again = fundcenter_cli(fundcenter.data_dir, "withdrawal", "approve", "--id", str(submitted["id"]))
    assert again.returncode == 1
    assert "not pending review" in again.stderr
