"""A simulated ESC/POS receipt printer: parses the byte stream it receives into receipts (text lines in
GB18030, QR payloads, cuts) and answers ``DLE EOT`` status queries, with paper and cover faults."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from drivers.printer.escpos.protocol import ENCODING

# runs_out: the roll ends after RUNS_OUT_AFTER printable bytes, in the middle of a receipt
FAULT_NAMES = ("paper_low", "paper_out", "cover_open", "cutter_error", "silent", "runs_out")
RUNS_OUT_AFTER = 40
_FIXED = 0x12


@dataclass
class PrintedReceipt:
    lines: list[str] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    cut: bool = False


@dataclass
class _Line:
    chinese: bool = False
    segments: list[tuple[bool, bytearray]] = field(default_factory=list)

    def add(self, byte: int) -> None:
        if not self.segments or self.segments[-1][0] != self.chinese:
            self.segments.append((self.chinese, bytearray()))
        self.segments[-1][1].append(byte)

    def take(self) -> str:
        text = "".join(bytes(b).decode(ENCODING if c else "ascii", "replace") for c, b in self.segments)
        self.segments = []
        return text


class SimulatedReceiptPrinter:
    """Feed it bytes with :meth:`handle`; it returns the bytes the printer would answer."""

    def __init__(self, *faults: str) -> None:
        self._lock = threading.Lock()
        self.faults: set[str] = set()
        self.set_faults(*faults)
        self.receipts: list[PrintedReceipt] = []
        self.lost_bytes = 0  # data that arrived while the printer could not print
        self.unknown: list[bytes] = []  # commands this simulator does not know
        self.status_queries: list[int] = []
        self.printed_bytes = 0
        self._buffer = bytearray()
        self._current = PrintedReceipt()
        self._line = _Line()

    def set_faults(self, *faults: str) -> None:
        unknown = set(faults) - set(FAULT_NAMES)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {', '.join(FAULT_NAMES)}")
        with self._lock:
            self.faults = set(faults)

    @property
    def can_print(self) -> bool:
        return not self.faults & {"paper_out", "cover_open", "cutter_error"}

    # -- the wire ------------------------------------------------------------------------------
    def handle(self, data: bytes) -> bytes:
        with self._lock:
            self._buffer += data
            answer = bytearray()
            while self._buffer:
                used = self._step(answer)
                if used == 0:
                    break  # an incomplete command: wait for more bytes
                del self._buffer[:used]
            return bytes(answer)

    def status_byte(self, n: int) -> int:
        f = self.faults
        if n == 1:
            return _FIXED | (0x08 if not self.can_print else 0)
        if n == 2:
            return (
                _FIXED
                | (0x04 if "cover_open" in f else 0)
                | (0x20 if "paper_out" in f else 0)
                | (0x40 if "cutter_error" in f else 0)
            )
        if n == 3:
            return _FIXED | (0x08 if "cutter_error" in f else 0)
        if n == 4:
            return (
                _FIXED | (0x0C if {"paper_low", "paper_out"} & f else 0) | (0x60 if "paper_out" in f else 0)
            )
        return _FIXED

    def _step(self, answer: bytearray) -> int:  # noqa: PLR0911, PLR0912 - one branch per command
        buf = self._buffer
        first = buf[0]
        if first == 0x10:  # DLE EOT n: answered at once, printed nothing
            if len(buf) < 3:
                return 0
            if buf[1] == 0x04:
                self.status_queries.append(buf[2])
                if "silent" not in self.faults:
                    answer.append(self.status_byte(buf[2]))
                return 3
            self.unknown.append(bytes(buf[:2]))
            return 2
        if not self.can_print:
            self.lost_bytes += 1
            return 1
        if first == 0x1B:  # ESC
            if len(buf) < 2:
                return 0
            if buf[1] == ord("@"):
                self._line = _Line()
                return 2
            if buf[1] in b"aE!d":
                return 3 if len(buf) >= 3 else 0
            self.unknown.append(bytes(buf[:2]))
            return 2
        if first == 0x1C:  # FS & / FS .
            if len(buf) < 2:
                return 0
            if buf[1] in b"&.":
                self._line.chinese = buf[1] == ord("&")
                return 2
            self.unknown.append(bytes(buf[:2]))
            return 2
        if first == 0x1D:  # GS
            return self._gs(buf)
        if first == 0x0A:
            self._current.lines.append(self._line.take())
            return 1
        if first < 0x20:
            self.unknown.append(bytes([first]))
            return 1
        self._line.add(first)
        self.printed_bytes += 1
        if "runs_out" in self.faults and self.printed_bytes >= RUNS_OUT_AFTER:
            self.faults = (self.faults - {"runs_out"}) | {"paper_out"}
        return 1

    def _gs(self, buf: bytearray) -> int:  # noqa: PLR0911 - one return per command length
        if len(buf) < 3:
            return 0
        if buf[1] == ord("!"):
            return 3
        if buf[1] == ord("V"):
            if buf[2] in (65, 66):
                if len(buf) < 4:
                    return 0
                self._finish_receipt()
                return 4
            self._finish_receipt()
            return 3
        if buf[1] == ord("(") and buf[2] == ord("k"):
            if len(buf) < 5:
                return 0
            size = 5 + int.from_bytes(buf[3:5], "little")
            if len(buf) < size:
                return 0
            body = bytes(buf[5:size])
            if body[:3] == b"1P0":
                self._qr_data = body[3:].decode("utf-8")
            elif body[:3] == b"1Q0":
                self._current.qr_codes.append(self._qr_data)
            return size
        self.unknown.append(bytes(buf[:2]))
        return 2

    _qr_data = ""

    def _finish_receipt(self) -> None:
        if self._line.segments:
            self._current.lines.append(self._line.take())
        self._current.cut = True
        self.receipts.append(self._current)
        self._current = PrintedReceipt()
