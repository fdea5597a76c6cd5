"""What the session flow gets back from printing, and the session's prints kept for a reprint.

- A certificate is checked (:mod:`kiosk.documents.verify`) before it reaches a printer; a refused one is
  reported and never printed, not even on request.
- A certificate or receipt that failed to print stays in the session and can be printed again until
  the session ends (:meth:`SessionPrints.wipe`) or the attempts run out.
- A withdrawal's result carries the withdrawal's own outcome first: a receipt that did not print is a
  note under "提取申请已提交", never in its place.
- A printer never takes the session down: any exception from it, typed or not (a driver bug, an
  unplugged device raising something nobody mapped), is a FAILED result, logged with its trace.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
import tempfile
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from drivers.printer.errors import PrinterError
from drivers.printer.escpos.protocol import Receipt
from kiosk.documents.verify import CertificateVerifier, DocumentRefused

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
CONTACT_STAFF_ZH = "请联系工作人员，或稍后通过12329热线、网上服务大厅获取"


class DocumentPrinter(Protocol):
    def print_pdf(self, pdf: Path, title: str) -> object: ...


class ReceiptPrinter(Protocol):
    def print_receipt(self, receipt: Receipt) -> object: ...


class Kind(StrEnum):
    CERTIFICATE = "certificate"
    WITHDRAWAL_RECEIPT = "withdrawalReceipt"


class Outcome(StrEnum):
    PRINTED = "printed"
    FAILED = "failed"  # the printer could not print it: it can be printed again
    REFUSED = "refused"  # the document did not validate: it is never printed


@dataclass(frozen=True)
class PrintResult:
    document_id: str
    kind: Kind
    outcome: Outcome
    attempts: int
    message_zh: str  # for the member
    detail: str = ""  # for staff and logs: the error's text, no personal data

    @property
    def can_reprint(self) -> bool:
        return self.outcome is Outcome.FAILED and self.attempts < MAX_ATTEMPTS


@dataclass(frozen=True)
class WithdrawalResult:
    """A withdrawal the back end accepted, with what became of its receipt."""

    reference: str  # the back end's business reference, e.g. TQ20261128000123
    amount_fen: int
    receipt: PrintResult

    @property
    def accepted(self) -> bool:
        return True  # only accepted withdrawals reach printing; refusals never get here

    @property
    def headline_zh(self) -> str:
        return f"提取申请已成功提交，业务流水号 {self.reference}"

    @property
    def receipt_note_zh(self) -> str | None:
        """None when the receipt printed; otherwise what to say below the headline."""
        if self.receipt.outcome is Outcome.PRINTED:
            return None
        again = "可点击“重新打印”再试，" if self.receipt.can_reprint else ""
        return f"回执未能打印：{self.receipt.message_zh}。提取已成功，不受影响；{again}{CONTACT_STAFF_ZH}"


@dataclass(frozen=True)
class _Held:
    kind: Kind
    payload: bytes | Receipt
    result: PrintResult


class SessionPrints:
    """The prints of one member session. Not thread-safe: the session's worker owns it."""

    def __init__(
        self,
        documents: DocumentPrinter,
        receipts: ReceiptPrinter,
        verifier: CertificateVerifier,
        temp_dir: Path | None = None,  # the session's wiped temp area; None: the system's
    ) -> None:
        self._temp_dir = temp_dir
        self._documents = documents
        self._receipts = receipts
        self._verifier = verifier
        self._held: dict[str, _Held] = {}
        self._ids = itertools.count(1)
        self.refusals: list[tuple[str, str]] = []  # (sha256, reason) for the audit log and the back end

    def print_certificate(self, pdf: bytes) -> PrintResult:
        document_id = f"doc-{next(self._ids)}"
        try:
            verified = self._verifier.verify(pdf)
        except DocumentRefused as refusal:
            self.refusals.append((hashlib.sha256(pdf).hexdigest(), refusal.reason))
            result = PrintResult(
                document_id, Kind.CERTIFICATE, Outcome.REFUSED, 0, refusal.message_zh, str(refusal)
            )
            self._held[document_id] = _Held(Kind.CERTIFICATE, b"", result)  # the result, not the document
            return result
        return self._attempt(document_id, Kind.CERTIFICATE, verified.pdf, attempts=0)

    def print_withdrawal_receipt(self, reference: str, amount_fen: int, receipt: Receipt) -> WithdrawalResult:
        document_id = f"doc-{next(self._ids)}"
        result = self._attempt(document_id, Kind.WITHDRAWAL_RECEIPT, receipt, attempts=0)
        return WithdrawalResult(reference, amount_fen, result)

    def reprint(self, document_id: str) -> PrintResult:
        """Print a document that failed once more; a printed, refused or unknown one is not reprinted."""
        held = self._held.get(document_id)
        if held is None:
            raise KeyError(f"no document {document_id} in this session")
        if not held.result.can_reprint:
            return held.result
        return self._attempt(document_id, held.kind, held.payload, held.result.attempts)

    def pending_reprints(self) -> list[PrintResult]:
        return [held.result for held in self._held.values() if held.result.can_reprint]

    def wipe(self) -> None:
        """End of session: forget every document (they may hold personal data)."""
        self._held.clear()

    def _attempt(self, document_id: str, kind: Kind, payload: bytes | Receipt, attempts: int) -> PrintResult:
        try:
            if isinstance(payload, Receipt):
                self._receipts.print_receipt(payload)
            else:
                self._print_pdf(payload, kind)
        except PrinterError as exc:
            log.warning("%s %s did not print (attempt %d): %s", kind, document_id, attempts + 1, exc)
            result = self._failed(document_id, kind, attempts, exc.message_zh, str(exc))
        except Exception as exc:  # a driver bug must not take the withdrawal's result with it
            log.exception("%s %s: printer failed unexpectedly (attempt %d)", kind, document_id, attempts + 1)
            detail = f"unexpected {type(exc).__name__}: {exc}"
            result = self._failed(document_id, kind, attempts, PrinterError.message_zh, detail)
        else:
            result = PrintResult(document_id, kind, Outcome.PRINTED, attempts + 1, "打印完成，请取走")
        self._held[document_id] = _Held(kind, payload, result)
        if result.outcome is Outcome.PRINTED:
            self._held[document_id] = replace(self._held[document_id], payload=b"")  # keep no copy
        return result

    @staticmethod
    def _failed(document_id: str, kind: Kind, attempts: int, message_zh: str, detail: str) -> PrintResult:
        message = message_zh if attempts + 1 < MAX_ATTEMPTS else f"{message_zh}（{CONTACT_STAFF_ZH}）"
        return PrintResult(document_id, kind, Outcome.FAILED, attempts + 1, message, detail)

    def _print_pdf(self, pdf: bytes, kind: Kind) -> None:
        fd, name = tempfile.mkstemp(prefix="kiosk-print-", suffix=".pdf", dir=self._temp_dir)  # mode 0600
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
            self._documents.print_pdf(path, str(kind))
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
