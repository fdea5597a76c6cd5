"""The kiosk list: state from the heartbeat's age, worst check, hall, version, out of service;
filters, search and paging done by the server; a kiosk's detail with its checks and history."""

from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.console.staff import Staff, enrolled, heartbeat, staff_user


def fleet(server: ThreadServer) -> Staff:
    """Five kiosks in two halls: quiet ones, a paper warning, a broken reader, one out of service, one
    that never reported; then two of them fall silent."""
    now = server.clock()
    hall_a, hall_b = "东城服务大厅", "建设银行西城支行"
    kiosks = {
        n: enrolled(
            server.engine, server.url, f"KIOSK-F{n}", hall_a if n < 3 else hall_b, now, clock=server.clock
        )
        for n in range(5)
    }
    heartbeat(kiosks[0], now)
    heartbeat(kiosks[1], now, {"receipt_printer": ("warning", "paper low")})
    heartbeat(kiosks[2], now, {"card_reader": ("fault", "reader silent")}, version="0.2.0")
    heartbeat(kiosks[3], now, {"service": ("fault", "out of service: 更换打印纸")})
    server.app.state.context.heartbeats.flush()
    server.clock.advance(seconds=90)  # past the 60 s stale line for everybody ...
    heartbeat(kiosks[0], server.clock())
    heartbeat(kiosks[1], server.clock(), {"receipt_printer": ("warning", "paper low")})
    server.app.state.context.heartbeats.flush()
    server.clock.advance(seconds=240)  # ... and KIOSK-F2 and F3 past the 300 s offline line
    heartbeat(kiosks[0], server.clock())
    server.app.state.context.heartbeats.flush()
    staff = staff_user(server.engine, server.url)
    staff.login()
    return staff


def ids(body: dict) -> list[str]:
    return [k["device_id"] for k in body["kiosks"]]


def test_states_filters_and_search_are_answered_by_the_server(server: ThreadServer) -> None:
    staff = fleet(server)
    body = staff.json("kiosks", q="KIOSK-F")
    assert body["counts"] == {"online": 1, "stale": 1, "offline": 3}
    assert ids(body) == ["KIOSK-F2", "KIOSK-F3", "KIOSK-F4", "KIOSK-F1", "KIOSK-F0"]  # worst first
    rows = {k["device_id"]: k for k in body["kiosks"]}
    assert rows["KIOSK-F0"]["state"] == "online"
    assert rows["KIOSK-F1"]["state"] == "stale"
    assert (rows["KIOSK-F1"]["worst_level"], rows["KIOSK-F1"]["worst_check"]) == (
        "warning",
        "receipt_printer",
    )
    assert rows["KIOSK-F1"]["worst_label"] == "凭条打印机"
    assert rows["KIOSK-F2"]["state"] == "offline"
    assert (rows["KIOSK-F2"]["worst_check"], rows["KIOSK-F2"]["worst_summary"]) == (
        "card_reader",
        "reader silent",
    )
    assert rows["KIOSK-F2"]["software_version"] == "0.2.0"
    assert rows["KIOSK-F3"]["out_of_service"] is True
    assert rows["KIOSK-F3"]["service_reason"] == "out of service: 更换打印纸"
    assert rows["KIOSK-F4"]["state"] == "never"
    assert rows["KIOSK-F0"]["hall"] == "东城服务大厅"

    assert ids(staff.json("kiosks", q="KIOSK-F", state="online")) == ["KIOSK-F0"]
    assert ids(staff.json("kiosks", q="KIOSK-F", state="stale")) == ["KIOSK-F1"]
    assert ids(staff.json("kiosks", q="KIOSK-F", state="offline")) == ["KIOSK-F2", "KIOSK-F3", "KIOSK-F4"]
    assert ids(staff.json("kiosks", hall="建设银行西城支行")) == ["KIOSK-F3", "KIOSK-F4"]
    assert ids(staff.json("kiosks", q="KIOSK-F", worst="fault")) == ["KIOSK-F2", "KIOSK-F3"]
    assert ids(staff.json("kiosks", q="西城")) == ["KIOSK-F3", "KIOSK-F4"]  # search finds halls too
    assert ids(staff.json("kiosks", q="f1")) == ["KIOSK-F1"]
    assert "建设银行西城支行" in staff.json("halls")
    first, second = (
        staff.json("kiosks", q="KIOSK-F", size=2),
        staff.json("kiosks", q="KIOSK-F", size=2, page=2),
    )
    assert first["total"] == 5
    assert ids(first) + ids(second) == ["KIOSK-F2", "KIOSK-F3", "KIOSK-F4", "KIOSK-F1"]
    bad = staff.get("kiosks", state="sleeping")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_request")


def test_a_kiosks_detail_shows_its_checks_and_history(server: ThreadServer) -> None:
    staff = fleet(server)
    body = staff.json("kiosks/KIOSK-F1")
    assert body["kiosk"]["state"] == "stale"
    assert body["checks"][0] == {
        "name": "receipt_printer",
        "label": "凭条打印机",
        "level": "warning",
        "summary": "paper low",
    }
    assert [h["worst_level"] for h in body["heartbeats"]] == ["warning", "warning"]
    changes = [(e["subject"], e["before"], e["after"]) for e in reversed(body["events"])]
    assert changes == [
        ("link", "never", "online"),
        ("receipt_printer", "ok", "warning"),
        ("link", "online", "stale"),
    ]
    missing = staff.get("kiosks/KIOSK-NOPE")
    assert (missing.status_code, missing.json()["code"]) == (404, "kiosk_not_found")
