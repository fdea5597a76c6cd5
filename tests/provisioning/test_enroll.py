import os
import stat
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from fundcenter.db import reading
from fundcenter.models import Device
from kiosk.config import load_config
from provisioning import identity
from provisioning.cli import main
from provisioning.enroll import EnrolError, EnrolRequest, PinMismatch, TokenRefused, enroll
from tests.provisioning.conftest import Center, RawTlsListener, pin_of


def request(center: Center, tmp_path: Path, token: str, device_id: str = "KIOSK-0101") -> EnrolRequest:
    return EnrolRequest(
        server=center.url,
        token=token,
        pin=center.pin,
        device_id=device_id,
        identity_dir=tmp_path / "identity",
        config=tmp_path / "kiosk.toml",
    )


def stored_certificate(center: Center, device_id: str) -> str | None:
    with reading(center.server.engine) as session:
        device = session.get(Device, device_id)
        return device.certificate_pem if device else None


def test_enrolment_makes_the_key_here_and_stores_the_signed_certificate(
    center: Center, tmp_path: Path
) -> None:
    done = enroll(request(center, tmp_path, center.token("KIOSK-0101")))
    folder = tmp_path / "identity"
    key = load_pem_private_key((folder / "device.key").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"
    assert stat.S_IMODE(os.stat(folder / "device.key").st_mode) == 0o600
    cert = x509.load_pem_x509_certificate((folder / "device.pem").read_bytes())
    assert cert.public_key() == key.public_key()
    assert done.device_id == "KIOSK-0101"
    assert stored_certificate(center, "KIOSK-0101") == (folder / "device.pem").read_text("ascii")
    cfg = load_config(tmp_path / "kiosk.toml")
    assert cfg.kiosk.device_id == "KIOSK-0101"
    assert cfg.back_end.ca_bundle == folder / "center-ca.pem"
    assert len(cfg.back_end.pins) == 1
    assert str(cfg.back_end.url) == center.url


def test_a_used_token_is_refused_and_the_identity_stays(center: Center, tmp_path: Path) -> None:
    token = center.token("KIOSK-0101")
    first = enroll(request(center, tmp_path, token))
    key_before = (tmp_path / "identity" / "device.key").read_bytes()
    with pytest.raises(TokenRefused, match="enrolment_token_used"):
        enroll(request(center, tmp_path, token))
    assert identity.load(tmp_path / "identity") == first
    assert (tmp_path / "identity" / "device.key").read_bytes() == key_before
    assert len(list((tmp_path / "identity" / "generations").iterdir())) == 1  # the failed key is gone


def test_an_expired_token_is_refused(center: Center, tmp_path: Path) -> None:
    token = center.token("KIOSK-0102")
    center.server.clock.advance(hours=2)
    with pytest.raises(TokenRefused, match="enrolment_token_expired"):
        enroll(request(center, tmp_path, token, "KIOSK-0102"))
    assert identity.load(tmp_path / "identity") is None
    assert not (tmp_path / "identity" / "device.key").exists()
    assert stored_certificate(center, "KIOSK-0102") is None


def test_reenrolment_rotates_the_key_and_swaps_the_pair_at_once(center: Center, tmp_path: Path) -> None:
    folder = tmp_path / "identity"
    first = enroll(request(center, tmp_path, center.token("KIOSK-0101")))
    old_key = (folder / "device.key").read_bytes()
    old_generation = os.readlink(folder / "current")
    second = enroll(request(center, tmp_path, center.token("KIOSK-0101")))
    assert second.fingerprint_sha256 != first.fingerprint_sha256
    assert (folder / "device.key").read_bytes() != old_key
    assert os.readlink(folder / "device.key") == "current/device.key"  # the files the client opens
    assert os.readlink(folder / "current") != old_generation
    assert (folder / old_generation / "device.key").read_bytes() == old_key  # kept for a rollback
    assert stored_certificate(center, "KIOSK-0101") == (folder / "device.pem").read_text("ascii")
    third = enroll(request(center, tmp_path, center.token("KIOSK-0101")))
    assert len(list((folder / "generations").iterdir())) == 2  # current and the one before
    assert third.folder == (folder / "current").resolve()


def test_a_wrong_pin_stops_before_any_request_byte(raw_tls: RawTlsListener, tmp_path: Path) -> None:
    other = pin_of(trustme.CA())
    req = EnrolRequest(raw_tls.url, "t" * 32, other, "KIOSK-0101", tmp_path / "identity")
    with pytest.raises(PinMismatch):
        enroll(req)
    # one handshake to read the chain, and not one byte after it
    assert raw_tls.connections(1) == [b""]
    assert not (tmp_path / "identity" / "device.key").exists()


def test_a_wrong_pin_with_a_ca_bundle_also_sends_nothing(
    raw_tls: RawTlsListener, center_ca: trustme.CA, tmp_path: Path
) -> None:
    bundle = tmp_path / "center-ca.pem"
    center_ca.cert_pem.write_to_path(str(bundle))
    req = EnrolRequest(
        raw_tls.url, "t" * 32, pin_of(trustme.CA()), "KIOSK-0101", tmp_path / "identity", ca_bundle=bundle
    )
    with pytest.raises(PinMismatch):
        enroll(req)
    assert raw_tls.connections(1) == [b""]  # the client's own pin check: handshake, then nothing


def test_the_listener_does_record_a_request_when_the_pin_is_right(
    raw_tls: RawTlsListener, center_ca: trustme.CA, tmp_path: Path
) -> None:
    req = EnrolRequest(raw_tls.url, "t" * 32, pin_of(center_ca), "KIOSK-0101", tmp_path / "identity")
    with pytest.raises(EnrolError, match=r"503|Server"):
        enroll(req)
    probe, request = raw_tls.connections(2)[:2]
    assert probe == b""
    assert request.startswith(b"POST /v1/devices/enrol")


def test_enroll_command(center: Center, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\nvar_dir = "{tmp_path / "var"}"\n', "utf-8")
    argv = ["enroll", "--config", str(config), "--server", center.url, "--ca-pin", center.pin]
    token = center.token("KIOSK-0103")
    assert main([*argv, "--device-id", "KIOSK-0103", "--token", token]) == 0
    out = capsys.readouterr().out
    assert "KIOSK-0103" in out
    assert (tmp_path / "var" / "identity" / "device.pem").is_file()
    assert main([*argv, "--device-id", "KIOSK-0103", "--token", token]) == 4
    assert "已使用" in capsys.readouterr().err


def test_a_config_that_would_not_load_stops_before_the_token_is_spent(center: Center, tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[display]\nwidth = 10\n", "utf-8")  # broken before we came
    token = center.token("KIOSK-0104")
    with pytest.raises(EnrolError, match=r"display\.width"):
        enroll(request(center, tmp_path, token, "KIOSK-0104"))
    assert stored_certificate(center, "KIOSK-0104") is None
    enroll(request(center, tmp_path / "fresh", token, "KIOSK-0104"))  # the token still works
