"""``kiosk-provision enroll``: a key made here, a CSR, the certificate from the back end's device CA.

Trust comes from the pin the technician brings (``--ca-pin sha256:…``), never from the network:

1. A TLS handshake only (nothing sent) fetches the chain the server presents; the certificate whose
   SPKI hash is the pin must be a CA (or self-signed) and becomes the center's CA bundle. No match:
   :class:`PinMismatch`, and not one byte of a request has left the kiosk.
2. The enrolment request goes through the kiosk's own client with that CA and the pin, which checks
   the pin again on its connection before writing a byte.
3. The key (EC P-256, PKCS#8, 0600) and the certificate land in a new identity generation that
   replaces the old one in one rename only once the certificate is in hand and matches the key;
   a refused token (used, expired, unknown) leaves the old identity exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from kiosk.client import errors
from kiosk.client.api import FundCenterApi
from kiosk.client.device_key import make_key_and_csr
from kiosk.client.tls import TrustSettings, normalise_pin, spki_pin
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.config import ConfigError
from provisioning import configfile, identity
from provisioning.identity import DeviceIdentity


class EnrolError(Exception):
    """Enrolment did not happen; the old identity (if any) is untouched. ``message_zh`` for people."""

    message_zh = "设备注册失败"
    exit_code = 2


class PinMismatch(EnrolError):
    message_zh = "服务器证书与指纹不符，已停止注册（未发送任何数据）"
    exit_code = 3


class TokenRefused(EnrolError):
    message_zh = "注册码无效、已使用或已过期，请向中心重新申请"
    exit_code = 4


@dataclass(frozen=True)
class EnrolRequest:
    server: str
    token: str
    pin: str
    device_id: str
    identity_dir: Path
    config: Path | None = None  # the kiosk config to record the device id, server, CA and pin in
    ca_bundle: Path | None = None  # the center's CA, when the technician brings it as a file
    timeout_s: float = 10.0


def fetch_chain(server: str, timeout_s: float) -> list[x509.Certificate]:
    """The certificates the server presents, from a handshake alone (no application byte is sent)."""
    parts = urlsplit(server)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # nothing is trusted yet: the pin decides, below
    try:
        with (
            socket.create_connection((host, port), timeout=timeout_s) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            chain = tls._sslobj.get_unverified_chain() or []  # type: ignore[attr-defined]
            ders = [cert.public_bytes(ssl._ssl.ENCODING_DER) for cert in chain]  # type: ignore[attr-defined]
    except (OSError, ssl.SSLError) as exc:
        raise EnrolError(f"cannot reach {host}:{port} over TLS: {exc}") from exc
    return [x509.load_der_x509_certificate(der) for der in ders]


def _is_anchor(cert: x509.Certificate) -> bool:
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return True
    except x509.ExtensionNotFound:
        pass
    return cert.issuer == cert.subject


def pinned_anchor(chain: list[x509.Certificate], pin: str) -> x509.Certificate:
    for cert in chain:
        if spki_pin(cert.public_bytes(serialization.Encoding.DER)) == pin:
            if not _is_anchor(cert):
                raise EnrolError(
                    "the pin is the server's own (leaf) key: pin the center's CA, or give --ca-bundle"
                )
            return cert
    seen = ", ".join(spki_pin(c.public_bytes(serialization.Encoding.DER)) for c in chain) or "none"
    raise PinMismatch(f"no certificate the server presents has the pin {pin} (it presents: {seen})")


def _check_issued(cert_pem: str, key_pem: bytes, device_id: str) -> None:
    cert = x509.load_pem_x509_certificate(cert_pem.encode("ascii"))
    key = serialization.load_pem_private_key(key_pem, password=None)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if cert.public_key().public_bytes(serialization.Encoding.DER, spki) != key.public_key().public_bytes(
        serialization.Encoding.DER, spki
    ):
        raise EnrolError("the certificate the back end returned is not for the key made here")
    names = [str(attr.value) for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    if names != [device_id]:
        raise EnrolError(f"the certificate names another device ({', '.join(names) or '?'})")


def _send(request: EnrolRequest, ca_bundle: Path, pin: str, csr_pem: str) -> tuple[str, str]:
    trust = TrustSettings(ca_bundle=ca_bundle, pins=frozenset({pin}))
    client = BackEndClient(ClientSettings(base_url=request.server, device_id=request.device_id, trust=trust))
    try:
        done = FundCenterApi(client).enrol(request.device_id, request.token, csr_pem)
    except errors.PinningFailed as exc:
        raise PinMismatch(str(exc)) from exc
    except (errors.RefusedByRule, errors.Unauthorised) as exc:
        if exc.code.startswith("enrolment_token"):
            raise TokenRefused(f"the back end refused the token: {exc.code}") from exc
        raise EnrolError(f"the back end refused the enrolment: {exc}") from exc
    except errors.BackEndError as exc:
        raise EnrolError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        client.close()
    return done.certificate_pem, done.ca_certificate_pem


def enroll(request: EnrolRequest, now: dt.datetime | None = None) -> DeviceIdentity:
    try:
        pin = normalise_pin(request.pin)
    except ValueError as exc:
        raise EnrolError(str(exc)) from exc
    if urlsplit(request.server).scheme != "https":
        raise EnrolError("enrolment needs an https:// server, so that its pin can be checked")
    changes: dict[str, dict[str, Any]] = {
        "kiosk": {"device_id": request.device_id},
        "back_end": {
            "url": request.server,
            "ca_bundle": str(request.identity_dir / identity.CENTER_CA),
            "pins": [pin],
        },
    }
    if request.config is not None:
        try:  # before the token is spent: a config that would not load stops here
            configfile.check(request.config, changes)
        except ConfigError as exc:
            raise EnrolError(str(exc)) from exc
    if request.ca_bundle is None:
        anchor_pem = pinned_anchor(fetch_chain(request.server, request.timeout_s), pin).public_bytes(
            serialization.Encoding.PEM
        )
    else:
        anchor_pem = request.ca_bundle.read_bytes()
    request.identity_dir.mkdir(parents=True, exist_ok=True)
    generation = identity.new_generation(request.identity_dir, now or dt.datetime.now(dt.UTC))
    try:
        identity.write_private(generation / identity.CENTER_CA, anchor_pem)
        key_pem, csr_pem = make_key_and_csr(request.device_id)
        identity.write_private(generation / identity.DEVICE_KEY, key_pem)
        cert_pem, device_ca_pem = _send(request, generation / identity.CENTER_CA, pin, csr_pem)
        _check_issued(cert_pem, key_pem, request.device_id)
        identity.write_private(generation / identity.DEVICE_CERT, cert_pem.encode("ascii"))
        identity.write_private(generation / identity.DEVICE_CA, device_ca_pem.encode("ascii"))
    except BaseException:
        identity.discard(generation)  # the new key was never used: it goes, the old pair stays
        raise
    identity.activate(request.identity_dir, generation)
    if request.config is not None:
        configfile.update(request.config, changes)
    enrolled = identity.load(request.identity_dir)
    if enrolled is None:  # cannot happen after activate(); keeps the type checker honest
        raise EnrolError("the new identity cannot be read back")
    return enrolled
