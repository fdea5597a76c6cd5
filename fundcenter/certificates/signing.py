"""The center's seal as a real signature: PAdES (ETSI.CAdES.detached) with pyHanko.

The key and its certificate are made on first use under ``<data dir>/keys`` (``center-root`` signs
``center-seal``) and never leave the back end; a center swaps in keys from its own CA by replacing
those files. Without a time-stamping authority reachable, signatures are PAdES B-B.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from fundcenter import keys

ORGANISATION = "Fund Center"


@dataclass(frozen=True)
class Sealer:
    root: keys.KeyPair
    seal: keys.KeyPair
    signer: signers.SimpleSigner
    center_name: str

    @classmethod
    def load_or_create(cls, data_dir: Path, center_name: str) -> Sealer:
        directory = data_dir / "keys"
        root = keys.load_or_create(
            directory,
            "center-root",
            keys.name("Fund Center Root CA", ORGANISATION),
            is_ca=True,
            days=3650,
            key_usage=keys.ca_usage(),
        )
        seal = keys.load_or_create(
            directory,
            "center-seal",
            keys.name("Fund Center Certificate Seal", ORGANISATION),
            issuer=root,
            is_ca=False,
            days=1095,
            key_usage=keys.signing_usage(non_repudiation=True),
        )
        signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
            str(seal.key_path), str(seal.certificate_path), ca_chain_files=(str(root.certificate_path),)
        )
        if signer is None:
            raise RuntimeError(f"cannot load the seal key from {directory}")
        return cls(root, seal, signer, center_name)

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name="CenterSeal",
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location=location,
            name=self.center_name,
        )
        out = signers.sign_pdf(writer, meta, signer=self.signer)
        return out.getvalue()  # type: ignore[no-any-return]
