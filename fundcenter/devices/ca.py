"""The back end's device CA: it signs each kiosk's CSR at enrolment (the kiosk keeps its key)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fundcenter import keys

ORGANISATION = "Fund Center Device CA"


class CsrError(ValueError):
    """The certificate signing request is unreadable, unsigned, or uses a weak key."""


def load_or_create(data_dir: Path) -> keys.KeyPair:
    return keys.load_or_create(
        data_dir / "keys",
        "device-ca",
        keys.name("Fund Center Device CA", ORGANISATION),
        is_ca=True,
        days=3650,
        key_usage=keys.ca_usage(),
    )


def spki_sha256(certificate: x509.Certificate) -> str:
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def _check_key(csr: x509.CertificateSigningRequest) -> None:
    public = csr.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        if public.curve.key_size < 256:
            raise CsrError("EC keys must be P-256 or stronger")
    elif isinstance(public, rsa.RSAPublicKey):
        if public.key_size < 2048:
            raise CsrError("RSA keys must be at least 2048 bits")
    else:
        raise CsrError("only EC (P-256+) and RSA (2048+) keys are accepted")


def sign_csr(ca: keys.KeyPair, csr_pem: str, device_id: str, now: dt.datetime, days: int) -> x509.Certificate:
    """The device certificate: CN is the device id the center registered, whatever the CSR says."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CsrError("not a PEM certificate signing request") from exc
    if not csr.is_signature_valid:
        raise CsrError("the CSR's signature does not match its key")
    _check_key(csr)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, device_id),
        ]
    )
    public = csr.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise CsrError("unsupported key type")
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(keys.signing_usage(non_repudiation=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.UniformResourceIdentifier(f"urn:fund-kiosk:device:{device_id}")]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
