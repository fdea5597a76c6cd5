"""``python -m drivers.printer.simulator``: the receipt printer a person can print to and watch."""

import subprocess
import sys
from pathlib import Path

from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.escpos.protocol import Receipt


def test_escpos_simulator_prints_what_it_cuts(tmp_path: Path) -> None:
    link = tmp_path / "ttyRECEIPT"
    sim = subprocess.Popen(
        [sys.executable, "-m", "drivers.printer.simulator", "escpos", "--link", str(link)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sim.stdout is not None
    try:
        assert "ESC/POS receipt printer on" in sim.stdout.readline()
        with ReceiptPrinter(str(link)) as printer:
            printer.print_receipt(Receipt("缴存证明打印凭条", (("", "ok"),), qr="Q1"))
        lines = [sim.stdout.readline().rstrip("\n") for _ in range(6)]
    finally:
        sim.terminate()
        sim.wait(10)
        sim.stdout.close()
    assert lines == ["-" * 32, "缴存证明打印凭条", "ok", "", "[QR Q1]", "-" * 32]
