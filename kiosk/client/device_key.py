"""The device's key pair and its certificate request: made on the kiosk, the private key never leaves
it (``kiosk-provision enroll`` for a real kiosk, the demo for its simulated one)."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_key_and_csr(device_id: str) -> tuple[bytes, str]:
    """A fresh ECDSA P-256 key (PEM, PKCS#8) and a CSR for it naming ``device_id`` (PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device_id)]))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem, csr.public_bytes(serialization.Encoding.PEM).decode("ascii")
