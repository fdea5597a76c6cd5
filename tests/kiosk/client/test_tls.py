"""Trust against a real TLS server with certificates made by trustme."""

import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from kiosk.client import errors
from kiosk.client.tls import TrustSettings, normalise_pin, spki_pin
from kiosk.client.transport import BackEndClient, ClientSettings
from tests.support.scripted_server import Script, scripted_server


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA(organization_name="示范市住房公积金管理中心 test CA")


def server_context(cert: trustme.LeafCert, client_ca: trustme.CA | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    if client_ca is not None:
        client_ca.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def write_ca(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "center-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def client_for(url: str, trust: TrustSettings) -> BackEndClient:
    return BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001", trust=trust))


@pytest.fixture
def leaf(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("localhost", "127.0.0.1")


@pytest.fixture
def served(leaf: trustme.LeafCert) -> Iterator[tuple[str, Script]]:
    script = Script()
    with scripted_server(script, server_context(leaf)) as url:
        yield url, script


def test_right_ca_and_pin(
    served: tuple[str, Script], ca: trustme.CA, leaf: trustme.LeafCert, tmp_path: Path
) -> None:
    url, script = served
    pin = spki_pin(leaf.cert_chain_pems[0].bytes())
    client = client_for(url, TrustSettings(write_ca(ca, tmp_path), pins=frozenset({pin})))
    assert client.request("GET", "healthz").body == {"ok": True}
    assert len(script.seen) == 1
    client.close()


def test_a_wrong_pin_sends_nothing(served: tuple[str, Script], ca: trustme.CA, tmp_path: Path) -> None:
    url, script = served
    other = spki_pin(trustme.CA().issue_cert("localhost").cert_chain_pems[0].bytes())
    client = client_for(url, TrustSettings(write_ca(ca, tmp_path), pins=frozenset({other})))
    with pytest.raises(errors.PinningFailed, match="not pinned"):
        client.request("POST", "withdrawals", body={"amount_fen": 1}, idempotency_key="k")
    assert script.seen == []  # the body never left the kiosk
    client.close()


def test_a_wrong_ca_fails_the_handshake(served: tuple[str, Script], tmp_path: Path) -> None:
    url, script = served
    client = client_for(url, TrustSettings(write_ca(trustme.CA(), tmp_path)))
    with pytest.raises(errors.TlsFailed) as info:
        client.request("GET", "healthz")
    assert info.value.message_zh
    assert script.seen == []
    client.close()


def test_an_expired_certificate_fails(ca: trustme.CA, tmp_path: Path) -> None:
    expired = ca.issue_cert("localhost", not_after=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    script = Script()
    with scripted_server(script, server_context(expired)) as url:
        client = client_for(url, TrustSettings(write_ca(ca, tmp_path)))
        with pytest.raises(errors.TlsFailed, match="expired"):
            client.request("GET", "healthz")
        client.close()
    assert script.seen == []


def test_the_next_key_in_the_pin_set_survives_a_rotation(
    ca: trustme.CA, leaf: trustme.LeafCert, tmp_path: Path
) -> None:
    rotated = ca.issue_cert("localhost")
    pins = frozenset(
        {spki_pin(leaf.cert_chain_pems[0].bytes()), spki_pin(rotated.cert_chain_pems[0].bytes())}
    )
    with scripted_server(Script(), server_context(rotated)) as url:
        client = client_for(url, TrustSettings(write_ca(ca, tmp_path), pins=pins))
        assert client.request("GET", "healthz").status == 200
        client.close()


def test_pinning_the_centers_ca_key_accepts_any_leaf_it_signs(ca: trustme.CA, tmp_path: Path) -> None:
    pin = spki_pin(ca.cert_pem.bytes())
    with scripted_server(Script(), server_context(ca.issue_cert("localhost"))) as url:
        client = client_for(url, TrustSettings(write_ca(ca, tmp_path), pins=frozenset({pin})))
        assert client.request("GET", "healthz").status == 200
        client.close()


def test_mutual_tls_with_the_device_certificate(
    ca: trustme.CA, leaf: trustme.LeafCert, tmp_path: Path
) -> None:
    device_ca = trustme.CA()
    device = device_ca.issue_cert("kiosk-0001.devices.invalid", common_name="KIOSK-0001")
    cert, key = tmp_path / "device.pem", tmp_path / "device.key"
    device.cert_chain_pems[0].write_to_path(str(cert))
    device.private_key_pem.write_to_path(str(key))
    script = Script()
    with scripted_server(script, server_context(leaf, client_ca=device_ca)) as url:
        anonymous = client_for(url, TrustSettings(write_ca(ca, tmp_path)))
        with pytest.raises((errors.TlsFailed, errors.BackEndUnreachable)):
            anonymous.request("GET", "healthz")
        anonymous.close()
        client = client_for(url, TrustSettings(write_ca(ca, tmp_path), client_cert=cert, client_key=key))
        assert client.request("GET", "healthz").status == 200
        client.close()
    assert script.seen[-1].client_cert is not None
    subject = script.seen[-1].client_cert["subject"]
    assert (("commonName", "KIOSK-0001"),) in subject  # type: ignore[operator]


def test_pin_formats() -> None:
    pin = spki_pin(trustme.CA().cert_pem.bytes())
    raw = __import__("base64").b64decode(pin.removeprefix("sha256/"))
    assert normalise_pin("sha256:" + raw.hex()) == pin
    assert normalise_pin(pin) == pin
    with pytest.raises(ValueError, match="sha256/BASE64"):
        normalise_pin("md5:abcd")


def test_production_refuses_a_link_without_ca_pins_or_https(tmp_path: Path) -> None:
    from kiosk.client.factory import check_link_settings, client_from_config
    from kiosk.config import ConfigError, load_config

    bare = tmp_path / "bare.toml"
    bare.write_text('[back_end]\nurl = "http://gjj.example.cn/api/"\n', "utf-8")
    with pytest.raises(ConfigError) as info:
        client_from_config(load_config(bare))
    assert [line.split(":")[0] for line in str(info.value).splitlines()] == [
        "back_end.url",
        "back_end.ca_bundle",
        "back_end.pins",
    ]
    good = tmp_path / "good.toml"
    good.write_text(
        '[back_end]\nurl = "https://gjj.example.cn/api/"\nca_bundle = "/etc/fund-kiosk/ca.pem"\n'
        'pins = ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]\n',
        "utf-8",
    )
    check_link_settings(load_config(good))
    check_link_settings(load_config(profile="demo"))  # the demo is simulated and local
