"""The outbox against the reference back end: a real member session, a real payout, exactly once."""

from pathlib import Path

from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox, State
from tests.fundcenter.conftest import new_kiosk
from tests.fundcenter.helpers import LIN, card_of
from tests.support.fault_proxy import fault_proxy
from tests.support.outbox_worker import CHAOS_POLICY


def test_a_withdrawal_cut_mid_answer_is_paid_once_by_the_reference_back_end(
    fundcenter: EmbeddedBackEnd, tmp_path: Path
) -> None:
    kiosk = new_kiosk(fundcenter)
    assert kiosk.open_session(LIN).status_code == 201
    balance_before = kiosk.get("v1/account").json()["balance_fen"]
    outbox = Outbox(tmp_path / "outbox.db")
    rent = {"type": "rent", "amount_fen": 120000, "bank_card": card_of(LIN)}
    item = outbox.enqueue("withdrawal", "v1/withdrawals", rent, session_token=kiosk.token)
    assert fundcenter.url is not None
    with fault_proxy(fundcenter.url) as proxy:
        client = BackEndClient(
            ClientSettings(
                base_url=proxy.url, device_id=kiosk.device_id, signer=kiosk.signer(), breaker_failures=10**6
            )
        )
        sender = OutboxSender(outbox, client, policy=CHAOS_POLICY.with_deadline(10.0))
        proxy.mode = "cut"  # paid at the back end; the kiosk hears half an answer, every time
        assert sender.deliver(outbox.get(item.key)) is State.UNKNOWN  # type: ignore[arg-type]
        proxy.mode = "pass"
        assert sender.drain_once().delivered == 1  # asked about the key: the first answer comes back
        client.close()
    done = outbox.get(item.key)
    assert done is not None
    assert done.state is State.DONE
    assert done.result["status"] == "paid"
    assert done.body is None  # wiped once answered
    assert done.token is None
    assert kiosk.get("v1/account").json()["balance_fen"] == balance_before - 120000  # one payout
    outbox.close()


def test_an_expired_session_keeps_the_withdrawal_open_for_a_person(
    fundcenter: EmbeddedBackEnd, tmp_path: Path
) -> None:
    kiosk = new_kiosk(fundcenter)
    outbox = Outbox(tmp_path / "outbox.db")
    rent = {"type": "rent", "amount_fen": 100000, "bank_card": card_of(LIN)}
    item = outbox.enqueue("withdrawal", "v1/withdrawals", rent, session_token="no-longer-valid")
    assert fundcenter.url is not None
    client = BackEndClient(
        ClientSettings(base_url=fundcenter.url, device_id=kiosk.device_id, signer=kiosk.signer())
    )
    assert OutboxSender(outbox, client, policy=CHAOS_POLICY).deliver(item) is State.PENDING
    left = outbox.get(item.key)
    assert left is not None
    assert left.state is State.PENDING  # not refused, not wiped: the health check shows its age
    assert left.body == rent
    assert "Unauthorised" in (left.last_error or "")
    client.close()
    outbox.close()
