"""``python -m drivers.printer.simulator``: simulated printers for people and the demo.

- ``cupsd DIR [--fault F]``: a private cupsd with the ``kiosk-a4`` queue; prints its server and where
  jobs land. Faults can be changed later by writing DIR/printers/kiosk-a4/fault.
- ``escpos [--fault F] [--link PATH]``: an ESC/POS receipt printer on a pty; prints every receipt it cuts.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from drivers.printer.simulator.backend import FAULTS
from drivers.printer.simulator.cupsd import PrivateCupsd
from drivers.printer.simulator.escpos_engine import FAULT_NAMES, SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve simulated printers.")
    sub = parser.add_subparsers(dest="kind", required=True)
    cups = sub.add_parser("cupsd", help="a private cupsd with a PDF queue")
    cups.add_argument("root", type=Path)
    cups.add_argument("--fault", choices=FAULTS)
    escpos = sub.add_parser("escpos", help="an ESC/POS receipt printer on a pty")
    escpos.add_argument("--fault", action="append", default=[], choices=FAULT_NAMES)
    escpos.add_argument("--link", type=Path, help="also make this stable path point at the pty")
    args = parser.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.kind == "cupsd":
        with PrivateCupsd(args.root.resolve()) as server:
            server.set_fault(args.fault)
            print(f"cupsd on {server.server}, queue kiosk-a4; jobs land in {server.printer_dir() / 'out'}")
            print(f"try: CUPS_SERVER={server.server} lp -d kiosk-a4 FILE.pdf   (Ctrl+C stops)", flush=True)
            stop.wait()
        return 0
    printer = SimulatedReceiptPrinter(*args.fault)
    with EscPosPty(printer) as pty:
        if args.link is not None:
            args.link.unlink(missing_ok=True)
            args.link.symlink_to(pty.path)
        print(f"ESC/POS receipt printer on {args.link or pty.path} (Ctrl+C stops)", flush=True)
        seen = 0
        while not stop.wait(0.2):
            for receipt in printer.receipts[seen:]:
                print(
                    "\n".join(["-" * 32, *receipt.lines, *(f"[QR {q}]" for q in receipt.qr_codes), "-" * 32])
                )
            seen = len(printer.receipts)
        if args.link is not None:
            args.link.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
