"""Trust for the back-end link: the center's CA bundle, the device's client certificate, SPKI pins.

Pins are SHA-256 hashes of SubjectPublicKeyInfo (``sha256/BASE64``, as in HPKP). They are checked
right after the handshake and before a single request byte is written: a connection whose chain
holds none of the pinned keys is closed and :class:`PinningFailed` raised. Any key of the verified
chain may be pinned (the leaf, or the back end's own CA), so a set with the next key in it survives
a rotation. Hostname checking stays on (urllib3's ``assert_fingerprint`` would turn it off).
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool

from kiosk.client.errors import PinningFailed

PIN_PREFIX = "sha256/"


def spki_pin(certificate: bytes) -> str:
    """The pin of a certificate given as PEM or DER bytes."""
    cert = (
        x509.load_pem_x509_certificate(certificate)
        if certificate.lstrip().startswith(b"-----")
        else x509.load_der_x509_certificate(certificate)
    )
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return PIN_PREFIX + base64.b64encode(hashlib.sha256(spki).digest()).decode()


def normalise_pin(pin: str) -> str:
    """Accept ``sha256/BASE64`` or ``sha256:HEX`` (what a technician may type)."""
    if pin.startswith(PIN_PREFIX):
        base64.b64decode(pin.removeprefix(PIN_PREFIX), validate=True)
        return pin
    if pin.startswith("sha256:"):
        return PIN_PREFIX + base64.b64encode(bytes.fromhex(pin.removeprefix("sha256:"))).decode()
    raise ValueError(f"a pin is sha256/BASE64 or sha256:HEX, not {pin!r}")


@dataclass(frozen=True, slots=True)
class TrustSettings:
    ca_bundle: Path  # the center's CA (never the system store alone)
    pins: frozenset[str] = frozenset()  # empty: no pinning (development only)
    client_cert: Path | None = None  # the device's certificate from enrolment (mutual TLS)
    client_key: Path | None = None

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(self.ca_bundle))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.client_cert is not None:
            context.load_cert_chain(str(self.client_cert), str(self.client_key) if self.client_key else None)
        return context


def chain_pins(sock: Any) -> set[str]:
    """Pins of every certificate the handshake verified (Python 3.11 keeps the chain on _sslobj)."""
    sslobj = getattr(sock, "_sslobj", None)
    chain = sslobj.get_verified_chain() if sslobj is not None else None
    if chain:
        return {spki_pin(cert.public_bytes(ssl._ssl.ENCODING_DER)) for cert in chain}  # type: ignore[attr-defined]
    leaf = sock.getpeercert(binary_form=True)
    return {spki_pin(leaf)} if leaf else set()


def _pinned_pool(pins: frozenset[str]) -> type[HTTPSConnectionPool]:
    class PinnedConnection(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            seen = chain_pins(self.sock)
            if not seen & pins:
                self.close()
                raise PinningFailed(f"server key of {self.host} is not pinned (saw {sorted(seen)})")

    class PinnedPool(HTTPSConnectionPool):
        ConnectionCls = PinnedConnection

    return PinnedPool


class TrustAdapter(HTTPAdapter):
    """A requests adapter that uses our SSL context and checks pins on every new connection."""

    def __init__(self, trust: TrustSettings, **kwargs: Any) -> None:
        self._trust = trust
        self._context = trust.ssl_context()
        super().__init__(**kwargs)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        self.poolmanager = PoolManager(
            num_pools=connections, maxsize=maxsize, block=block, ssl_context=self._context, **pool_kwargs
        )
        if self._trust.pins:
            self.poolmanager.pool_classes_by_scheme = {
                **self.poolmanager.pool_classes_by_scheme,
                "https": _pinned_pool(self._trust.pins),
            }

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # Our SSL context already carries the CA bundle and client certificate; requests must not
        # replace them with its defaults (certifi) on the connection.
        return None
