"""The kiosk's identity folder: generations of key + certificate, swapped in with one rename.

Layout (``paths.identity``)::

    generations/20261128T093000Z/{device.key, device.pem, device-ca.pem, center-ca.pem}
    current -> generations/20261128T093000Z
    device.key -> current/device.key      (and device.pem, device-ca.pem, center-ca.pem)

The files the client reads (CONTRACTS: ``device.key``, ``device.pem``) are fixed links through
``current``, so a new key and its certificate replace the old pair together: re-pointing ``current``
is one atomic rename, and until then the old pair stays in use. The generation before the current
one is kept (a rollback), older ones are deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from provisioning.atomic import fsync_dir, replace_symlink, write_atomic

DEVICE_KEY = "device.key"
DEVICE_CERT = "device.pem"
DEVICE_CA = "device-ca.pem"
CENTER_CA = "center-ca.pem"
LINKED = (DEVICE_KEY, DEVICE_CERT, DEVICE_CA, CENTER_CA)
CURRENT = "current"
GENERATIONS = "generations"


@dataclass(frozen=True)
class DeviceIdentity:
    device_id: str
    serial: str
    fingerprint_sha256: str  # of the certificate's DER, as `openssl x509 -fingerprint -sha256` shows it
    not_after: dt.datetime
    folder: Path

    def as_json(self) -> dict[str, str]:
        return {
            "device_id": self.device_id,
            "certificate_serial": self.serial,
            "certificate_sha256": self.fingerprint_sha256,
            "not_after": self.not_after.isoformat(),
        }


def fingerprint(certificate: x509.Certificate) -> str:
    digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def new_generation(identity: Path, now: dt.datetime) -> Path:
    folder = identity / GENERATIONS / now.strftime("%Y%m%dT%H%M%S%fZ")
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(identity / GENERATIONS, 0o700)
    return folder


def write_private(path: Path, data: bytes) -> None:
    write_atomic(path, data, 0o600)


def activate(identity: Path, generation: Path) -> None:
    """Make ``generation`` the current identity (one rename), then drop all but the previous one."""
    previous = os.readlink(identity / CURRENT) if (identity / CURRENT).is_symlink() else None
    replace_symlink(identity / CURRENT, f"{GENERATIONS}/{generation.name}")
    for name in LINKED:
        link = identity / name
        target = f"{CURRENT}/{name}"
        if not (link.is_symlink() and os.readlink(link) == target):
            replace_symlink(link, target)
    keep = {generation.name, Path(previous).name if previous else ""}
    for old in (identity / GENERATIONS).iterdir():
        if old.name not in keep:
            shutil.rmtree(old)
    fsync_dir(identity / GENERATIONS)


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def load(identity: Path) -> DeviceIdentity | None:
    """The enrolled identity, or None before the first enrolment."""
    path = identity / DEVICE_CERT
    if not path.is_file():
        return None
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return DeviceIdentity(
        device_id=str(names[0].value) if names else "",
        serial=f"{certificate.serial_number:x}",
        fingerprint_sha256=fingerprint(certificate),
        not_after=certificate.not_valid_after_utc,
        folder=path.resolve().parent,
    )
