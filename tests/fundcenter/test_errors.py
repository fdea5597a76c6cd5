import requests

from fundcenter.errors import CATALOGUE, Code
from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.helpers import TIMEOUT


def test_every_code_has_a_status_and_a_chinese_message() -> None:
    assert set(CATALOGUE) == set(Code)
    for status, message in CATALOGUE.values():
        assert 400 <= status < 600
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_framework_errors_use_the_envelope(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    missing = requests.get(f"{fundcenter.url}no/such/path", timeout=TIMEOUT)
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "请求的资源不存在", "detail": None}
    wrong_method = requests.put(f"{fundcenter.url}healthz", timeout=TIMEOUT)
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")
    invalid = requests.post(f"{fundcenter.url}v1/devices/enrol", json={"device_id": 1}, timeout=TIMEOUT)
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["code"] == "invalid_request"
    assert {tuple(p["loc"]) for p in body["detail"]} >= {("body", "token"), ("body", "csr_pem")}


def test_openapi_documents_the_error_codes(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    document = requests.get(f"{fundcenter.url}openapi.json", timeout=TIMEOUT).json()
    assert "ErrorBody" in document["components"]["schemas"]
    session_post = document["paths"]["/v1/sessions"]["post"]["responses"]
    assert "evidence_rejected" in session_post["403"]["description"]
    assert session_post["403"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
