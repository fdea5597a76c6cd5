"""The console's state rides on the heartbeat ingest, but its failure never costs a heartbeat."""

import datetime as dt
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundcenter.devices.heartbeats import Report
from fundcenter.models import Heartbeat, KioskState
from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.console.staff import enrolled, heartbeat


def test_a_failing_listener_leaves_the_heartbeats_stored(
    server: ThreadServer, caplog: pytest.LogCaptureFixture
) -> None:
    sink = server.app.state.context.heartbeats

    def broken(session: Session, batch: Sequence[Report]) -> None:
        session.add(KioskState(device_id=batch[0].device_id))  # half a row: the database refuses it
        session.flush()

    sink.listeners.insert(0, broken)
    kiosk = enrolled(
        server.engine, server.url, "KIOSK-I1", "东城服务大厅", server.clock(), clock=server.clock
    )
    heartbeat(kiosk, server.clock() - dt.timedelta(seconds=1))
    sink.flush()
    with Session(server.engine) as session:
        stored = session.scalar(
            select(func.count()).select_from(Heartbeat).where(Heartbeat.device_id == "KIOSK-I1")
        )
        state = session.get(KioskState, "KIOSK-I1")
    assert stored == 1
    assert state is not None  # the console's own listener still ran after the broken one
    assert state.connectivity == "online"
    assert "heartbeat listener" in caplog.text
