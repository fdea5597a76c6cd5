import datetime as dt

import requests

from fundcenter.idnumber import check_char
from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.conftest import ThreadServer, new_kiosk
from tests.fundcenter.helpers import CHEN, LIN, TIMEOUT, Kiosk, evidence


def test_session_opens_the_account(fundcenter: EmbeddedBackEnd) -> None:
    kiosk = new_kiosk(fundcenter)
    opened = kiosk.open_session(LIN)
    assert opened.status_code == 201, opened.text
    assert opened.json()["member_name_masked"] == "林**"
    assert opened.json()["expires_in"] == 300
    account = kiosk.get("v1/account")
    assert account.status_code == 200
    body = account.json()
    assert (body["name"], body["id_number"], body["status"]) == ("林晓雯", LIN[0], "normal")
    assert body["balance_fen"] == 8650432
    assert body["monthly_amount_fen"] == 2 * 780000 * 1200 // 10000
    moves = kiosk.get("v1/account/transactions?limit=5").json()
    assert len(moves) == 5
    assert moves[0]["balance_after_fen"] == body["balance_fen"]


def test_missing_device_unknown_device_missing_session(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    no_device = requests.get(f"{fundcenter.url}v1/account", timeout=TIMEOUT)
    assert (no_device.status_code, no_device.json()["code"]) == (401, "device_missing")
    unknown = Kiosk(fundcenter.url, "KIOSK-GHOST").get("v1/account")
    assert (unknown.status_code, unknown.json()["code"]) == (401, "device_unknown")
    kiosk = new_kiosk(fundcenter)
    no_session = kiosk.get("v1/account")
    assert (no_session.status_code, no_session.json()["code"]) == (401, "session_missing")
    assert no_session.json()["message"] == "请先刷身份证并完成人脸验证"
    kiosk.token = "forged-token-value"
    forged = kiosk.get("v1/account")
    assert (forged.status_code, forged.json()["code"]) == (401, "session_invalid")


def test_session_is_bound_to_its_device(fundcenter: EmbeddedBackEnd) -> None:
    first, second = new_kiosk(fundcenter), new_kiosk(fundcenter)
    assert first.open_session(LIN).status_code == 201
    second.token = first.token
    stolen = second.get("v1/account")
    assert (stolen.status_code, stolen.json()["code"]) == (403, "session_wrong_device")


def test_session_expires(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    assert kiosk.open_session(LIN, now=server.clock()).status_code == 201
    server.clock.advance(seconds=299)
    assert kiosk.get("v1/account").status_code == 200
    server.clock.advance(seconds=2)
    expired = kiosk.get("v1/account")
    assert (expired.status_code, expired.json()["code"]) == (401, "session_expired")


def test_ended_session_is_refused(fundcenter: EmbeddedBackEnd) -> None:
    kiosk = new_kiosk(fundcenter)
    assert kiosk.open_session(CHEN).status_code == 201
    ended = kiosk.delete("v1/sessions/current")
    assert ended.status_code == 204
    assert kiosk.get("v1/account").json()["code"] == "session_invalid"


def test_evidence_is_checked(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    now = server.clock()

    def attempt(member: tuple[str, str] = LIN, **overrides: object) -> tuple[int, str, object]:
        response = kiosk.post("v1/sessions", evidence(*member, now=now, **overrides))
        body = response.json()
        detail = body.get("detail")
        return response.status_code, body["code"], detail.get("reason") if isinstance(detail, dict) else None

    assert attempt(face__distance=0.51) == (403, "evidence_rejected", "face_mismatch")
    assert attempt(face__threshold=0.9, face__distance=0.7) == (
        403,
        "evidence_rejected",
        "threshold_too_loose",
    )
    assert attempt(liveness__passed=False) == (403, "evidence_rejected", "liveness_failed")
    stale = (now - dt.timedelta(minutes=5)).isoformat()
    assert attempt(card__read_at=stale) == (403, "evidence_rejected", "evidence_stale")
    ahead = (now + dt.timedelta(minutes=5)).isoformat()
    assert attempt(liveness__completed_at=ahead) == (403, "evidence_rejected", "clock_ahead")
    assert attempt((LIN[0], "林晓")) == (403, "evidence_rejected", "card_mismatch")
    assert attempt(("371302198806120028", "林晓雯"))[:2] == (422, "id_number_invalid")
    nobody = "11010519900101001" + check_char("11010519900101001")
    assert attempt((nobody, "无此人"))[:2] == (404, "member_not_found")
    assert attempt(card__read_at="2026-01-01T00:00:00")[:2] == (422, "invalid_request")  # no zone
