"""The back-end client as the configuration describes it (one place, for the shell and the reporter)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from kiosk.client.signing import Signer
from kiosk.client.tls import TrustSettings, normalise_pin
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.config import KioskConfig

DEVICE_KEY = "device.key"
DEVICE_CERT = "device.pem"
SIGNING_KEY = "signing.key"


def client_from_config(cfg: KioskConfig) -> BackEndClient:
    identity = cfg.paths.identity
    trust = None
    if cfg.back_end.ca_bundle is not None:
        cert, key = identity / DEVICE_CERT, identity / DEVICE_KEY
        enrolled = cert.is_file() and key.is_file()
        trust = TrustSettings(
            ca_bundle=cfg.back_end.ca_bundle,
            pins=frozenset(normalise_pin(p) for p in cfg.back_end.pins),
            client_cert=cert if enrolled else None,
            client_key=key if enrolled else None,
        )
    signer = None
    signing_key = identity / SIGNING_KEY
    if signing_key.is_file():
        key_obj = load_pem_private_key(signing_key.read_bytes(), password=None)
        if isinstance(key_obj, Ed25519PrivateKey):
            signer = Signer(cfg.kiosk.device_id, key_obj)
    return BackEndClient(
        ClientSettings(
            base_url=str(cfg.back_end.url), device_id=cfg.kiosk.device_id, trust=trust, signer=signer
        )
    )
