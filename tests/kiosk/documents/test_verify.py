"""The signature check before printing: real PAdES signatures made by pyHanko with a test CA."""

from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from kiosk.documents import verify
from kiosk.documents.verify import CertificateVerifier
from tests.pdfs import Identity, make_ca, make_signer, sign_pdf, text_pdf

LINES = ["Deposit certificate No. GJJ-2026-000123", "Verification code: 7F3K-Q9WD"]


@pytest.fixture(scope="module")
def center() -> tuple[Identity, Identity]:
    ca = make_ca()
    return ca, make_signer(ca)


@pytest.fixture(scope="module")
def signed(center: tuple[Identity, Identity]) -> bytes:
    ca, seal = center
    return sign_pdf(text_pdf(LINES), seal, ca)


@pytest.fixture(scope="module")
def verifier(center: tuple[Identity, Identity]) -> CertificateVerifier:
    return CertificateVerifier(center[0].cert_pem)


def test_a_sealed_certificate_validates(signed: bytes, verifier: CertificateVerifier) -> None:
    document = verifier.verify(signed)
    assert document.pdf == signed
    assert "Test Fund Center Seal" in document.signer
    assert len(document.sha256) == 64


def test_the_seal_certificate_itself_may_be_the_provisioned_one(
    center: tuple[Identity, Identity], signed: bytes
) -> None:
    ca, seal = center
    assert CertificateVerifier(seal.cert_pem + ca.cert_pem).verify(signed).pdf == signed


def test_a_forged_seal_is_refused(verifier: CertificateVerifier) -> None:
    other_ca = make_ca("Somebody Else Root CA")
    forged = sign_pdf(text_pdf(LINES), make_signer(other_ca, "Test Fund Center Seal"), other_ca)
    with pytest.raises(verify.UntrustedSigner) as refused:
        verifier.verify(forged)
    assert "联系工作人员" in refused.value.message_zh


def test_changed_bytes_after_signing_are_refused(signed: bytes, verifier: CertificateVerifier) -> None:
    at = signed.index(b"7F3K-Q9WD")
    altered = signed[:at] + b"7F3K-Q9WE" + signed[at + 9 :]
    assert len(altered) == len(signed)
    with pytest.raises(verify.SignatureBroken):
        verifier.verify(altered)


def test_content_appended_after_signing_is_refused(signed: bytes, verifier: CertificateVerifier) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("zh-CN")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    with pytest.raises(verify.ModifiedAfterSigning):
        verifier.verify(out.getvalue())


def test_an_unsigned_pdf_is_refused(verifier: CertificateVerifier) -> None:
    with pytest.raises(verify.NotSigned):
        verifier.verify(text_pdf(LINES))


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.7\n1 0 obj\n<<"])
def test_garbage_is_refused(data: bytes, verifier: CertificateVerifier) -> None:
    with pytest.raises(verify.DocumentRefused):
        verifier.verify(data)


def test_a_trust_file_without_certificates_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="no certificate"):
        CertificateVerifier(b"")
