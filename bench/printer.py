"""Printers: "print" pressed to job completed on the CUPS PDF queue, the cost of a status poll, and the
signature check that precedes every certificate.

The queue is a private cupsd with the kioskpdf backend (a raw queue: the PDF reaches the backend as
submitted), so the time is CUPS's own scheduling plus our lp/ipptool calls, not a physical printer's.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.simulator.cupsd import PrivateCupsd
from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty
from kiosk.documents.verify import CertificateVerifier
from tests.pdfs import make_ca, make_signer, sign_pdf, text_pdf

TARGET_PRINT_S = 2.0
RUNS = 30


def _times(action: Callable[[], object], runs: int = RUNS) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        out.append(time.perf_counter() - start)
    return sorted(out)


def measure() -> dict[str, list[float]]:
    ca = make_ca()
    signed = sign_pdf(text_pdf(["Deposit certificate No. GJJ-2026-000123", "Verification code: 7F3K-Q9WD"]),
                      make_signer(ca), ca)  # fmt: skip
    verifier = CertificateVerifier(ca.cert_pem)
    with tempfile.TemporaryDirectory() as tmp, PrivateCupsd(Path(tmp) / "cups") as cupsd:
        pdf = Path(tmp) / "certificate.pdf"
        pdf.write_bytes(signed)
        printer = CupsDocumentPrinter(cupsd.queue())
        printer.print_pdf(pdf, "warm-up")
        results = {
            "print": _times(lambda: printer.print_pdf(pdf, "certificate")),
            "cups_status": _times(printer.health),
            "verify": _times(lambda: verifier.verify(signed)),
        }
    with EscPosPty(SimulatedReceiptPrinter()) as pty, ReceiptPrinter(pty.path) as receipt_printer:
        results["escpos_status"] = _times(receipt_printer.health)
    return results


def _ms(values: list[float]) -> str:
    median, p95 = statistics.median(values) * 1000, values[int(len(values) * 0.95) - 1] * 1000
    return f"{median:.1f} ms (p95 {p95:.1f} ms)"


def section() -> list[str]:
    r = measure()
    median_print = statistics.median(r["print"])
    verdict = "meets" if median_print <= TARGET_PRINT_S else "MISSES"
    return [
        "## Printers: print to job completed, status poll cost, signature check",
        "",
        f"{RUNS} runs each. Certificate: a pyHanko-signed one-page PDF printed on a private cupsd's raw "
        "queue (kioskpdf backend writing the file), from the call to the job's `completed` state "
        "(health check, `lp`, then `ipptool` polls every 50 ms). Receipt status: `DLE EOT 1–4` over a pty.",
        "",
        "| measure | median (p95) | target | |",
        "|---|---|---|---|",
        f"| certificate: print → job completed | {_ms(r['print'])} | ≤ {TARGET_PRINT_S:.0f} s | {verdict} |",
        f"| CUPS status poll (`ipptool` Get-Printer-Attributes) | {_ms(r['cups_status'])} | | |",
        f"| receipt printer status poll (4 × DLE EOT) | {_ms(r['escpos_status'])} | | |",
        f"| certificate signature check (pyHanko) | {_ms(r['verify'])} | | |",
        "",
    ]
