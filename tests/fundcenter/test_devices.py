import datetime as dt

import requests
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.conftest import ThreadServer, new_kiosk
from tests.fundcenter.helpers import LIN, TIMEOUT, Kiosk, enrol, fundcenter_cli, make_csr


def test_enrolment_signs_the_csr_with_the_device_ca(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    token = fundcenter_cli(
        fundcenter.data_dir, "device", "add", "--id", "KIOSK-E001", "--location", "一楼大厅"
    )
    assert token.returncode == 0, token.stderr
    key, csr = make_csr("whatever-the-kiosk-says")
    response = requests.post(
        f"{fundcenter.url}v1/devices/enrol",
        json={"device_id": "KIOSK-E001", "token": token.stdout.strip(), "csr_pem": csr},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    certificate = x509.load_pem_x509_certificate(body["certificate_pem"].encode())
    authority = x509.load_pem_x509_certificate(body["ca_certificate_pem"].encode())
    served_ca = requests.get(f"{fundcenter.url}v1/devices/ca.pem", timeout=TIMEOUT).text
    assert served_ca == body["ca_certificate_pem"]
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "KIOSK-E001"
    assert certificate.issuer == authority.subject
    certificate.verify_directly_issued_by(authority)
    public = certificate.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    assert public.public_numbers() == key.public_key().public_numbers()
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in usage
    listed = fundcenter_cli(fundcenter.data_dir, "device", "list")
    assert "KIOSK-E001\tactive\t一楼" in listed.stdout


def test_one_time_token_cannot_be_reused(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    token = fundcenter_cli(fundcenter.data_dir, "device", "add", "--id", "KIOSK-E002").stdout.strip()
    assert enrol(fundcenter.url, "KIOSK-E002", token).status_code == 200
    again = enrol(fundcenter.url, "KIOSK-E002", token)
    assert again.status_code == 403
    assert again.json()["code"] == "enrolment_token_used"
    assert again.json()["message"] == "注册口令已使用，请向中心重新申请"


def test_wrong_token_unknown_device_and_bad_csr(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    token = fundcenter_cli(fundcenter.data_dir, "device", "add", "--id", "KIOSK-E003").stdout.strip()
    wrong = enrol(fundcenter.url, "KIOSK-E003", token[::-1])
    assert (wrong.status_code, wrong.json()["code"]) == (401, "enrolment_token_invalid")
    unknown = enrol(fundcenter.url, "KIOSK-NOPE", token)
    assert (unknown.status_code, unknown.json()["code"]) == (401, "enrolment_token_invalid")
    garbage = requests.post(
        f"{fundcenter.url}v1/devices/enrol",
        json={"device_id": "KIOSK-E003", "token": token, "csr_pem": "-----BEGIN CERTIFICATE REQUEST-----"},
        timeout=TIMEOUT,
    )
    assert (garbage.status_code, garbage.json()["code"]) == (422, "csr_invalid")
    # A rejected CSR does not burn the token.
    assert enrol(fundcenter.url, "KIOSK-E003", token).status_code == 200


def test_expired_token(server: ThreadServer) -> None:
    from fundcenter.devices import enrolment

    token = enrolment.register(server.engine, "KIOSK-OLD", "", server.clock(), dt.timedelta(hours=1))
    server.clock.advance(hours=2)
    late = enrol(server.url, "KIOSK-OLD", token)
    assert (late.status_code, late.json()["code"]) == (403, "enrolment_token_expired")


def test_revocation_stops_the_device_and_its_sessions(fundcenter: EmbeddedBackEnd) -> None:
    kiosk = new_kiosk(fundcenter)
    assert kiosk.open_session(LIN).status_code == 201
    assert kiosk.get("v1/account").status_code == 200
    revoked = fundcenter_cli(fundcenter.data_dir, "device", "revoke", "--id", kiosk.device_id)
    assert revoked.returncode == 0, revoked.stderr
    after = kiosk.get("v1/account")
    assert (after.status_code, after.json()["code"]) == (403, "device_revoked")
    fresh = kiosk.open_session(LIN)
    assert (fresh.status_code, fresh.json()["code"]) == (403, "device_revoked")


def test_registered_but_not_enrolled_device_is_refused(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    fundcenter_cli(fundcenter.data_dir, "device", "add", "--id", "KIOSK-E004")
    response = Kiosk(fundcenter.url, "KIOSK-E004").open_session(LIN)
    assert (response.status_code, response.json()["code"]) == (403, "device_not_enrolled")


def test_a_device_record_is_public_and_says_no_secret(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    record = requests.get(f"{server.url}v1/devices/{kiosk.device_id}/record", timeout=TIMEOUT)
    assert record.status_code == 200
    body = record.json()
    assert (body["device_id"], body["status"], body["location"]) == (kiosk.device_id, "active", "test hall")
    assert len(body["spki_sha256"]) == 64
    assert set(body) == {
        "device_id",
        "location",
        "status",
        "enrolled_at",
        "certificate_serial",
        "spki_sha256",
        "revoked_at",
    }
    missing = requests.get(f"{server.url}v1/devices/KIOSK-NONE/record", timeout=TIMEOUT)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
