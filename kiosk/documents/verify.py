"""Check a sealed certificate before it is printed: the kiosk never prints a document it has not checked.

The back end seals certificates with pyHanko (PAdES). The kiosk was provisioned with the center's
certificate (the root it trusts, or the seal certificate itself) and accepts a PDF only when every
signature in it is intact, cryptographically valid, chains to that certificate, and the center's
signature covers the whole file (nothing appended after sealing). Revocation is not fetched: a kiosk
has no route to the CA's OCSP/CRL endpoints, so the seal certificate's short validity is what limits a
leaked key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import ValueErrorWithMessage
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

log = logging.getLogger(__name__)


class DocumentRefused(Exception):
    """Root of every refusal. ``message_zh`` is what a member may be shown; ``reason`` is for staff."""

    message_zh = "证明文件校验未通过，暂不能打印，请联系工作人员或拨打12329"
    reason = "refused"


class Unreadable(DocumentRefused):
    reason = "unreadable"


class NotSigned(DocumentRefused):
    reason = "not-signed"


class SignatureBroken(DocumentRefused):
    """The signed bytes changed after signing, or the signature itself does not verify."""

    reason = "altered"


class UntrustedSigner(DocumentRefused):
    """A valid signature by someone the kiosk does not trust (a forged seal)."""

    reason = "untrusted-signer"


class ModifiedAfterSigning(DocumentRefused):
    """The signature is fine but does not cover the whole file: content was appended after sealing."""

    reason = "modified-after-signing"


@dataclass(frozen=True)
class VerifiedDocument:
    pdf: bytes
    signer: str  # the seal certificate's subject, e.g. "Common Name: …, Organization: …"
    sha256: str


class CertificateVerifier:
    def __init__(self, trusted_pem: bytes) -> None:
        try:
            blocks = list(pem.unarmor(trusted_pem, multiple=True))
        except ValueError:
            blocks = []
        self._roots = [asn1_x509.Certificate.load(der) for kind, _, der in blocks if kind == "CERTIFICATE"]
        if not self._roots:
            raise ValueError("no certificate in the provisioned trust file")

    @classmethod
    def from_file(cls, path: Path) -> CertificateVerifier:
        return cls(path.read_bytes())

    def verify(self, pdf: bytes) -> VerifiedDocument:
        """Return the document when it validates; raise a :class:`DocumentRefused` subclass otherwise."""
        digest = hashlib.sha256(pdf).hexdigest()
        try:
            return self._verify(pdf, digest)
        except DocumentRefused as refusal:
            log.warning("certificate refused (%s): sha256 %s: %s", refusal.reason, digest[:16], refusal)
            raise

    def _verify(self, pdf: bytes, digest: str) -> VerifiedDocument:
        try:
            reader = PdfFileReader(BytesIO(pdf), strict=False)
            signatures = list(reader.embedded_signatures)
        except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise Unreadable(f"not a readable PDF: {exc}") from exc
        if not signatures:
            raise NotSigned("the PDF carries no signature")
        signer = ""  # the signer of the signature that covers the whole file
        for embedded in signatures:
            context = ValidationContext(trust_roots=self._roots, allow_fetching=False)
            try:
                status = validate_pdf_signature(embedded, context)
            except (ValueErrorWithMessage, PdfError, ValueError, KeyError, TypeError) as exc:
                raise SignatureBroken(
                    f"signature {embedded.field_name!r} cannot be validated: {exc}"
                ) from exc
            if not (status.intact and status.valid):
                raise SignatureBroken(f"signature {embedded.field_name!r} does not match the document")
            if not status.trusted:
                raise UntrustedSigner(
                    f"signature {embedded.field_name!r} by {status.signing_cert.subject.human_friendly} "
                    "does not chain to the provisioned certificate"
                )
            if status.coverage is SignatureCoverageLevel.ENTIRE_FILE:
                signer = str(status.signing_cert.subject.human_friendly)
        if not signer:  # every signature is fine, but none covers what was appended after the last one
            raise ModifiedAfterSigning("no signature covers the whole file")
        return VerifiedDocument(pdf, signer, digest)
