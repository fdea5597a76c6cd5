"""Mutual TLS per device: the back end over real TLS (server certificate from trustme, client
certificates from its own device CA), driven by the kiosk's hardened client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import trustme
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from fundcenter.devices import enrolment
from kiosk.client import errors
from kiosk.client.api import FundCenterApi
from kiosk.client.factory import DEVICE_CERT, DEVICE_KEY
from kiosk.client.signing import Signer
from kiosk.client.tls import TrustSettings
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.embedded_backend import EmbeddedBackEnd
from tests.fundcenter.conftest import ThreadServer, thread_server
from tests.fundcenter.helpers import LIN, TIMEOUT, evidence, make_csr


@pytest.fixture
def center_ca(tmp_path: Path) -> tuple[trustme.CA, Path, Path, Path]:
    """The center's TLS CA (what the kiosk's ca_bundle holds) and a server certificate for localhost."""
    ca = trustme.CA()
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    ca_pem, cert, key = tmp_path / "center-ca.pem", tmp_path / "server.pem", tmp_path / "server.key"
    ca.cert_pem.write_to_path(str(ca_pem))
    leaf.private_key_pem.write_to_path(str(key))
    for i, pem in enumerate(leaf.cert_chain_pems):
        pem.write_to_path(str(cert), append=i > 0)
    return ca, ca_pem, cert, key


@pytest.fixture
def tls_server(tmp_path: Path, center_ca: tuple[trustme.CA, Path, Path, Path]) -> Iterator[ThreadServer]:
    _ca, _ca_pem, cert, key = center_ca
    with thread_server(tmp_path / "center", tls=(cert, key)) as running:
        yield running


def enrolled(server: ThreadServer, ca_pem: Path, device_id: str, where: Path) -> Path:
    """Enrol over HTTPS without a client certificate (the kiosk has none yet); keep key and certificate
    as ``kiosk-provision enroll`` does, in the identity directory."""
    token = enrolment.register(server.engine, device_id, "TLS hall", server.clock(), dt.timedelta(hours=1))
    key = ec.generate_private_key(ec.SECP256R1())
    _key, csr = make_csr(device_id, key)
    answer = requests.post(
        f"{server.url}v1/devices/enrol",
        json={"device_id": device_id, "token": token, "csr_pem": csr},
        verify=str(ca_pem),
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    identity = where / device_id
    identity.mkdir(parents=True)
    (identity / DEVICE_KEY).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (identity / DEVICE_CERT).write_text(answer.json()["certificate_pem"])
    return identity


def api(
    server: ThreadServer, ca_pem: Path, device_id: str, tls_identity: Path | None, signing_identity: Path
) -> FundCenterApi:
    trust = TrustSettings(
        ca_bundle=ca_pem,
        client_cert=tls_identity / DEVICE_CERT if tls_identity else None,
        client_key=tls_identity / DEVICE_KEY if tls_identity else None,
    )
    signer = Signer.from_file(device_id, signing_identity / DEVICE_KEY)
    client = BackEndClient(
        ClientSettings(
            base_url=server.url, device_id=device_id, trust=trust, signer=signer, breaker_failures=99
        )
    )
    return FundCenterApi(client)


def refusal(call: FundCenterApi) -> str:
    with pytest.raises(errors.Unauthorised) as refused:
        call.open_session(evidence(*LIN))
    return refused.value.code


def test_each_kiosk_is_known_by_its_own_certificate(
    tls_server: ThreadServer, center_ca: tuple[trustme.CA, Path, Path, Path], tmp_path: Path
) -> None:
    _ca, ca_pem, _cert, _key = center_ca
    first = enrolled(tls_server, ca_pem, "KIOSK-TLS1", tmp_path)
    second = enrolled(tls_server, ca_pem, "KIOSK-TLS2", tmp_path)

    own = api(tls_server, ca_pem, "KIOSK-TLS1", first, first)
    assert own.open_session(evidence(*LIN)).member_name_masked.startswith("林")
    own.client.close()
    # The second kiosk's key signs for the second kiosk, but the connection is the first kiosk's.
    borrowed = api(tls_server, ca_pem, "KIOSK-TLS2", first, second)
    assert refusal(borrowed) == "device_certificate_mismatch"
    borrowed.client.close()


def test_a_device_route_over_tls_needs_a_client_certificate(
    tls_server: ThreadServer, center_ca: tuple[trustme.CA, Path, Path, Path], tmp_path: Path
) -> None:
    _ca, ca_pem, _cert, _key = center_ca
    identity = enrolled(tls_server, ca_pem, "KIOSK-TLS3", tmp_path)  # enrolment itself needs none
    anonymous = api(tls_server, ca_pem, "KIOSK-TLS3", None, identity)
    assert refusal(anonymous) == "device_certificate_missing"
    anonymous.client.close()
    assert requests.get(f"{tls_server.url}healthz", verify=str(ca_pem), timeout=TIMEOUT).status_code == 200


def test_a_certificate_from_another_ca_fails_the_handshake(
    tls_server: ThreadServer, center_ca: tuple[trustme.CA, Path, Path, Path], tmp_path: Path
) -> None:
    _ca, ca_pem, _cert, _key = center_ca
    identity = enrolled(tls_server, ca_pem, "KIOSK-TLS4", tmp_path)
    forged = tmp_path / "forged"
    forged.mkdir()
    stranger = trustme.CA().issue_cert("KIOSK-TLS4")
    stranger.private_key_pem.write_to_path(str(forged / DEVICE_KEY))
    stranger.cert_chain_pems[0].write_to_path(str(forged / DEVICE_CERT))
    outsider = api(tls_server, ca_pem, "KIOSK-TLS4", forged, identity)
    # The handshake fails; depending on the TLS version the kiosk hears it at once or as a reset
    # connection it retries until the deadline, or (TLS 1.3: the server checks the client's certificate
    # after the client has finished and sent its request) as a POST cut before any answer, whose outcome
    # the kiosk cannot know. Never an answer.
    refused = (errors.TlsFailed, errors.BackEndUnreachable, errors.DeadlineExceeded, errors.OutcomeUnknown)
    with pytest.raises(refused):
        outsider.open_session(evidence(*LIN))
    outsider.client.close()


def test_fundcenter_serve_speaks_mutual_tls(
    center_ca: tuple[trustme.CA, Path, Path, Path], tmp_path: Path
) -> None:
    _ca, ca_pem, cert, key = center_ca
    back_end = EmbeddedBackEnd(
        tmp_path / "served", port=0, serve_args=("--tls-cert", str(cert), "--tls-key", str(key))
    )
    url = back_end.start()
    try:
        assert url.startswith("https://")
        port = url.rstrip("/").rsplit(":", 1)[1]
        health = requests.get(f"https://localhost:{port}/healthz", verify=str(ca_pem), timeout=TIMEOUT)
        assert health.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"https://localhost:{port}/healthz", timeout=TIMEOUT)  # not in the system store
    finally:
        back_end.stop()
