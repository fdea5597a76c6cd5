"""Pure ESC/POS: the bytes of a receipt (GB18030 Chinese, QR code, cut) and the DLE EOT status bits.

Commands follow Epson's ESC/POS reference as implemented by Chinese 58/80 mm printers (Xprinter,
GPrinter, HPRT, Sunmi): ``FS &`` enters Chinese character mode, in which the printer reads GB18030
(GBK for older firmware: the same bytes for the common characters) until ``FS .``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from drivers.printer.health import Cause, PaperState, PrinterHealth
from drivers.status import DeviceStatus

ESC, GS, FS, DLE, EOT, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\x04", b"\n"

INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
ENCODING = "gb18030"


class Align(IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


class StatusQuery(IntEnum):
    """``DLE EOT n``: real-time status, answered with one byte even while the printer is busy."""

    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    PAPER = 4


def status_request(query: StatusQuery) -> bytes:
    return DLE + EOT + bytes([query])


def align(value: Align) -> bytes:
    return ESC + b"a" + bytes([value])


def bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([1 if on else 0])


def size(width: int = 1, height: int = 1) -> bytes:
    """``GS !``: character magnification 1–8 in each direction."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character size {width}x{height} outside 1–8")
    return GS + b"!" + bytes([(width - 1) << 4 | (height - 1)])


def text(value: str) -> bytes:
    """One line of text: ASCII as is, anything else inside Chinese mode, encoded in GB18030."""
    if "\n" in value:
        raise ValueError("one line at a time")
    if value.isascii():
        return value.encode("ascii") + LF
    return CHINESE_ON + value.encode(ENCODING) + CHINESE_OFF + LF


def qr(data: str, module_size: int = 6, error_level: str = "M") -> bytes:
    """A QR code (model 2) with the printer's own encoder: ``GS ( k`` functions 165, 167, 169, 180, 181."""
    payload = data.encode("utf-8")
    if not 1 <= module_size <= 16:
        raise ValueError(f"QR module size {module_size} outside 1–16")
    if len(payload) > 7089:
        raise ValueError("QR data too long")
    level = {"L": 48, "M": 49, "Q": 50, "H": 51}[error_level]

    def fn(body: bytes) -> bytes:
        return GS + b"(k" + len(body).to_bytes(2, "little") + body

    return (
        fn(b"1A2\x00")  # model 2
        + fn(b"1C" + bytes([module_size]))
        + fn(b"1E" + bytes([level]))
        + fn(b"1P0" + payload)  # store
        + fn(b"1Q0")  # print
    )


def feed_and_cut(lines: int = 4) -> bytes:
    """``GS V 66 n``: feed ``n`` lines past the cutter, then a partial cut (leaves a tab to tear)."""
    return GS + b"V" + bytes([66, lines])


@dataclass(frozen=True)
class Receipt:
    """What a receipt says. No personal data beyond what the member needs (masked by the caller)."""

    title: str
    rows: tuple[tuple[str, str], ...]
    qr: str | None = None
    footer: tuple[str, ...] = ()


def encode_receipt(receipt: Receipt) -> bytes:
    out = [INIT, align(Align.CENTER), bold(True), size(2, 2), text(receipt.title), size(1, 1), bold(False)]
    out.append(align(Align.LEFT))
    out += [text(f"{label}：{value}" if label else value) for label, value in receipt.rows]
    if receipt.qr:
        out += [align(Align.CENTER), qr(receipt.qr), LF]
    out += [align(Align.CENTER), *(text(line) for line in receipt.footer), feed_and_cut()]
    return b"".join(out)


# -- status bytes --------------------------------------------------------------------------------
_FIXED = 0x12  # bits 1 and 4 are always set in a status byte: how we tell one from noise


@dataclass(frozen=True)
class RealtimeStatus:
    offline: bool = False
    cover_open: bool = False
    paper_stop: bool = False  # printing stopped because the paper ran out
    error: bool = False
    cutter_error: bool = False
    unrecoverable: bool = False
    paper_near_end: bool = False
    paper_out: bool = False


def is_status_byte(value: int) -> bool:
    return value & 0x93 == _FIXED


def parse_status(answers: dict[StatusQuery, int]) -> RealtimeStatus:
    """Combine the answers to ``DLE EOT 1..4`` (Epson bit layout) into one status."""
    for query, value in answers.items():
        if not is_status_byte(value):
            raise ValueError(f"0x{value:02X} is not an answer to DLE EOT {int(query)}")
    printer = answers.get(StatusQuery.PRINTER, _FIXED)
    offline = answers.get(StatusQuery.OFFLINE_CAUSE, _FIXED)
    error = answers.get(StatusQuery.ERROR_CAUSE, _FIXED)
    paper = answers.get(StatusQuery.PAPER, _FIXED)
    return RealtimeStatus(
        offline=bool(printer & 0x08),
        cover_open=bool(offline & 0x04),
        paper_stop=bool(offline & 0x20),
        error=bool(offline & 0x40),
        cutter_error=bool(error & 0x08),
        unrecoverable=bool(error & 0x20),
        paper_near_end=paper & 0x0C == 0x0C,
        paper_out=paper & 0x60 == 0x60,
    )


def health_of(status: RealtimeStatus) -> PrinterHealth:
    causes: list[Cause] = []
    if status.cutter_error or status.unrecoverable:
        causes.append(Cause.FAULT)
    if status.paper_out or status.paper_stop:
        causes.append(Cause.PAPER_OUT)
    if status.cover_open:
        causes.append(Cause.COVER_OPEN)
    if status.offline and not causes:
        causes.append(Cause.OFFLINE)
    if Cause.FAULT in causes:
        device = DeviceStatus.HARDWARE_ERROR
    elif Cause.COVER_OPEN in causes:
        device = DeviceStatus.USER_ERROR
    else:
        device = DeviceStatus.OFFLINE if status.offline else DeviceStatus.ONLINE
    if Cause.PAPER_OUT in causes:
        paper = PaperState.OUT
    elif status.paper_near_end:
        paper = PaperState.LOW
    else:
        paper = PaperState.FULL
    warnings = ("media-low",) if paper is PaperState.LOW else ()
    return PrinterHealth(device, paper, tuple(causes), warnings)
