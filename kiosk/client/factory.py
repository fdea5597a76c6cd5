"""The back-end client as the configuration describes it (one place, for the shell and the reporter)."""

from __future__ import annotations

from kiosk.client.signing import Signer
from kiosk.client.tls import TrustSettings, normalise_pin
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.config import ConfigError, KioskConfig

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

DEVICE_KEY = "device.key"
DEVICE_CERT = "device.pem"


def check_link_settings(cfg: KioskConfig) -> None:
    """Refuse a production link without the center's CA, pins and HTTPS (a loopback back end, as in
    development and the demo, or a simulated kiosk may go without)."""
    url = cfg.back_end.url
    if cfg.simulation.enabled or url.host in _LOOPBACK:
        return
    problems = []
    if url.scheme != "https":
        problems.append("back_end.url: the fund center must be reached over https")
    if cfg.back_end.ca_bundle is None:
        problems.append("back_end.ca_bundle: the center's CA bundle is required (set at enrolment)")
    if not cfg.back_end.pins:
        problems.append("back_end.pins: at least one SPKI pin of the center's keys is required")
    if problems:
        raise ConfigError("\n".join(problems))


def client_from_config(cfg: KioskConfig) -> BackEndClient:
    check_link_settings(cfg)
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
    # One key for both proofs: the device key of the mutual-TLS certificate signs every request too.
    device_key = identity / DEVICE_KEY
    signer = Signer.from_file(cfg.kiosk.device_id, device_key) if device_key.is_file() else None
    return BackEndClient(
        ClientSettings(
            base_url=str(cfg.back_end.url), device_id=cfg.kiosk.device_id, trust=trust, signer=signer
        )
    )
