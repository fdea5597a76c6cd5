"""Alerts: raised when a kiosk goes stale or offline or a check goes to fault, acknowledged by a named
member of staff, closed when the kiosk recovers."""

import datetime as dt

from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.console.staff import enrolled, heartbeat, staff_user


def test_a_silent_kiosk_raises_one_alert_that_is_acknowledged_and_closes_on_recovery(
    server: ThreadServer,
) -> None:
    sink = server.app.state.context.heartbeats
    kiosk = enrolled(
        server.engine, server.url, "KIOSK-A1", "东城服务大厅", server.clock(), clock=server.clock
    )
    staff = staff_user(server.engine, server.url)
    staff.login()
    heartbeat(kiosk, server.clock())
    sink.flush()
    assert staff.json("alerts")["alerts"] == []

    server.clock.advance(seconds=61)
    [alert] = staff.json("alerts")["alerts"]
    assert (alert["device_id"], alert["subject"], alert["level"], alert["status"]) == (
        "KIOSK-A1",
        "link",
        "warning",
        "new",
    )
    assert "心跳延迟" in alert["message"]

    server.clock.advance(seconds=240)  # now offline: the same alert, raised to a fault
    body = staff.json("alerts")
    [alert] = body["alerts"]
    assert (alert["level"], alert["status"]) == ("fault", "new")
    assert "终端离线" in alert["message"]
    assert body["counts"] == {"new": 1, "acknowledged": 0}

    acked = staff.post(f"alerts/{alert['id']}/ack")
    assert acked.status_code == 200
    assert acked.json()["acknowledged_by"] == "monitor1"
    assert acked.json()["acknowledged_at"] == server.clock().isoformat()
    assert staff.json("alerts", status="new")["alerts"] == []
    assert [a["id"] for a in staff.json("alerts", status="acknowledged")["alerts"]] == [alert["id"]]

    heartbeat(kiosk, server.clock())  # back
    sink.flush()
    assert staff.json("alerts")["alerts"] == []
    [closed] = staff.json("alerts", status="closed")["alerts"]
    assert closed["closed_at"] == server.clock().isoformat()
    assert closed["acknowledged_by"] == "monitor1"
    late = staff.post(f"alerts/{alert['id']}/ack")
    assert (late.status_code, late.json()["code"]) == (409, "alert_closed")
    changes = [(e["before"], e["after"]) for e in reversed(staff.json("kiosks/KIOSK-A1")["events"])]
    assert changes == [("never", "online"), ("online", "stale"), ("stale", "offline"), ("offline", "online")]


def test_a_check_at_fault_raises_an_alert_until_it_recovers(server: ThreadServer) -> None:
    sink = server.app.state.context.heartbeats
    kiosk = enrolled(
        server.engine, server.url, "KIOSK-A2", "建设银行西城支行", server.clock(), clock=server.clock
    )
    staff = staff_user(server.engine, server.url)
    staff.login()
    heartbeat(kiosk, server.clock(), {"receipt_printer": ("warning", "paper low")})
    sink.flush()
    assert staff.json("alerts")["alerts"] == []  # a warning is shown, not alerted

    heartbeat(kiosk, server.clock(), {"receipt_printer": ("fault", "paper out")})
    sink.flush()
    [alert] = staff.json("alerts")["alerts"]
    assert (alert["subject"], alert["subject_label"], alert["level"]) == (
        "receipt_printer",
        "凭条打印机",
        "fault",
    )
    assert alert["message"] == "凭条打印机故障：paper out"
    heartbeat(kiosk, server.clock(), {"receipt_printer": ("fault", "paper out")})
    sink.flush()
    assert len(staff.json("alerts")["alerts"]) == 1  # still the one alert

    heartbeat(kiosk, server.clock(), {"receipt_printer": ("ok", "paper full")})
    sink.flush()
    assert staff.json("alerts")["alerts"] == []
    assert staff.json("alerts", status="closed")["alerts"][0]["id"] == alert["id"]


def test_an_older_report_from_the_kiosks_queue_does_not_hide_the_newer_state(server: ThreadServer) -> None:
    sink = server.app.state.context.heartbeats
    kiosk = enrolled(
        server.engine, server.url, "KIOSK-A3", "东城服务大厅", server.clock(), clock=server.clock
    )
    staff = staff_user(server.engine, server.url)
    staff.login()
    now = server.clock()
    heartbeat(kiosk, now, {"card_reader": ("fault", "reader silent")})
    sink.flush()
    server.clock.advance(seconds=5)
    heartbeat(kiosk, now.replace(microsecond=0) - dt.timedelta(minutes=5))
    sink.flush()
    [row] = staff.json("kiosks", q="KIOSK-A3")["kiosks"]
    assert (row["worst_check"], row["age_s"]) == ("card_reader", 0.0)


def test_many_kiosks_fall_silent_and_return_in_one_batch(server: ThreadServer) -> None:
    sink = server.app.state.context.heartbeats
    kiosks = [
        enrolled(server.engine, server.url, f"KIOSK-M{n}", "东城服务大厅", server.clock(), clock=server.clock)
        for n in range(3)
    ]
    staff = staff_user(server.engine, server.url)
    staff.login()
    for kiosk in kiosks:
        heartbeat(kiosk, server.clock(), {"card_reader": ("fault", "reader silent")})
    sink.flush()
    assert len(staff.json("alerts")["alerts"]) == 3
    server.clock.advance(seconds=400)
    body = staff.json("alerts")
    assert sorted(
        (a["device_id"], a["subject"], a["level"]) for a in body["alerts"] if a["subject"] == "link"
    ) == [(f"KIOSK-M{n}", "link", "fault") for n in range(3)]
    for kiosk in kiosks:
        heartbeat(kiosk, server.clock())
    sink.flush()  # every kiosk back, every reader mended (usually in one batch: bulk statements)
    assert staff.json("alerts")["alerts"] == []
    assert len(staff.json("alerts", status="closed")["alerts"]) == 6
    assert staff.json("kiosks", q="KIOSK-M")["counts"] == {"online": 3, "stale": 0, "offline": 0}
