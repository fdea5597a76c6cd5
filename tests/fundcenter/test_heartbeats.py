import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundcenter.models import Device, Heartbeat
from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.helpers import Kiosk


def beat(kiosk: Kiosk, sent_at: dt.datetime, **extra: object) -> tuple[int, dict]:
    body = {
        "sent_at": sent_at.isoformat(),
        "overall": "online",
        "peripherals": {
            "idcard": {"status": "online"},
            "receipt_printer": {"status": "online", "paper": "low"},
            "camera": {"status": "hardwareError", "detail": "no frames for 30 s"},
        },
        "outbox_pending": 2,
        "software_version": "0.1.0",
        **extra,
    }
    response = kiosk.post("v1/devices/heartbeat", body)
    return response.status_code, response.json()


def test_heartbeat_is_stored_for_the_console(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    status, ack = beat(kiosk, server.clock() - dt.timedelta(seconds=3))
    assert status == 202
    assert ack["clock_offset_s"] == 3.0
    assert server.app.state.context.heartbeats.flush() == 1  # what the writer thread does within 50 ms
    with Session(server.engine) as session:
        stored = session.scalars(select(Heartbeat).where(Heartbeat.device_id == kiosk.device_id)).one()
        device = session.get(Device, kiosk.device_id)
    assert stored.overall == "online"
    payload = json.loads(stored.payload)
    assert payload["peripherals"]["receipt_printer"] == {"status": "online", "paper": "low"}
    assert payload["peripherals"]["camera"]["status"] == "hardwareError"
    assert payload["outbox_pending"] == 2
    assert device is not None
    assert device.last_seen_at == server.clock()


def test_heartbeat_needs_a_known_device_and_valid_statuses(server: ThreadServer) -> None:
    stranger = Kiosk(server.url, "KIOSK-STRANGER")
    status, body = beat(stranger, server.clock())
    assert (status, body["code"]) == (401, "device_unknown")
    kiosk = server.kiosk()
    status, body = beat(kiosk, server.clock(), overall="fine")
    assert (status, body["code"]) == (422, "invalid_request")
