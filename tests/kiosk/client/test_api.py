"""The typed API against the reference back end: a member's whole visit, end to end."""

import socket
from pathlib import Path

import pytest
import requests

from kiosk.client import errors
from kiosk.client.api import FundCenterApi
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.documents.verify import CertificateVerifier
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox, State
from kiosk.outbox.submit import SUBMITTED_ZH, submit_withdrawal
from tests.fundcenter.conftest import new_kiosk
from tests.fundcenter.helpers import LIN, card_of, evidence


@pytest.fixture
def api(fundcenter: EmbeddedBackEnd) -> FundCenterApi:
    kiosk = new_kiosk(fundcenter)
    assert fundcenter.url is not None
    client = BackEndClient(
        ClientSettings(base_url=fundcenter.url, device_id=kiosk.device_id, signer=kiosk.signer())
    )
    yield FundCenterApi(client)  # type: ignore[misc]
    client.close()


def test_a_members_visit(api: FundCenterApi, fundcenter: EmbeddedBackEnd, tmp_path: Path) -> None:
    face = api.reference_face(
        {"id_number": LIN[0], "name": LIN[1], "read_at": evidence(*LIN)["card"]["read_at"]}
    )
    assert len(face.encoding) == 128
    session = api.open_session(evidence(*LIN))
    assert session.member_name_masked.startswith("林")
    account = api.account(session.token)
    assert account.balance_fen > 0
    assert account.status == "normal"
    assert api.transactions(session.token)
    assert "rent" in {t.code for t in api.withdrawal_types()}

    certificate = api.certificate(session.token)
    trust = requests.get(f"{fundcenter.url}v1/certificates/trust.pem", timeout=10).content
    assert CertificateVerifier(trust).verify(certificate.pdf).pdf == certificate.pdf
    assert len(certificate.verification_code) >= 8

    outbox = Outbox(tmp_path / "outbox.db")
    sender = OutboxSender(outbox, api.client)
    rent = {"type": "rent", "amount_fen": 100000, "bank_card": card_of(LIN)}
    accepted = submit_withdrawal(outbox, sender, rent, session.token)
    assert accepted.state is State.DONE
    assert accepted.result["status"] == "paid"
    assert api.account(session.token).balance_fen == account.balance_fen - 100000
    status = api.withdrawal_status(accepted.key)
    assert status is not None
    assert status.state == "done"
    assert api.withdrawal_status("never-sent") is None

    too_much = {"type": "rent", "amount_fen": 99_000_000, "bank_card": card_of(LIN)}
    refused = submit_withdrawal(outbox, sender, too_much, session.token)
    assert refused.state is State.REFUSED
    assert refused.message_zh  # the back end's Chinese reason, for the member
    assert refused.message_zh != SUBMITTED_ZH
    api.end_session(session.token)
    with pytest.raises(errors.Unauthorised):
        api.account(session.token)
    outbox.close()


def test_an_unreachable_back_end_still_leaves_the_member_a_true_sentence(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    client = BackEndClient(ClientSettings(base_url=dead, device_id="KIOSK-0001"))
    outbox = Outbox(tmp_path / "outbox.db")
    outcome = submit_withdrawal(outbox, OutboxSender(outbox, client), {"type": "rent", "amount_fen": 1}, "t")
    assert outcome.message_zh == SUBMITTED_ZH
    assert not outcome.final
    assert outbox.depth() == 1  # kept, to be delivered under the same key
    client.close()
    outbox.close()
