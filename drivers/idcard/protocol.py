"""GA/T 467 SAM frames: pure encode/decode, no I/O.

Frame: ``AA AA AA 96 69 | LEN (2 bytes, big-endian, counts every byte after itself, checksum
included) | payload | CHK`` where CHK is the XOR of every byte after the preamble. A request's
payload is ``CMD PARA [DATA]``; a response's is ``SW1 SW2 SW3 [DATA]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, IntEnum
from functools import reduce
from operator import xor

from drivers.idcard import errors

PREAMBLE = bytes.fromhex("AAAAAA9669")
HEADER_SIZE = len(PREAMBLE) + 2
MIN_LENGTH = 3  # a request: CMD PARA CHK
# The largest real answer: SW(3) + three lengths(6) + text 256 + photo 1024 + fingerprint 1024 + CHK.
MAX_LENGTH = 2314


def checksum(data: bytes | bytearray) -> int:
    return reduce(xor, data, 0)


def encode_frame(payload: bytes) -> bytes:
    length = len(payload) + 1
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"payload of {len(payload)} bytes cannot be framed")
    body = length.to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([checksum(body)])


class Command(Enum):
    """Request codes as (CMD, PARA)."""

    RESET = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_NEW_ADDRESS = (0x30, 0x03)
    READ_TEXT_PHOTO_FP = (0x30, 0x10)
    SET_BAUD = (0x60, 0x00)  # PARA is the baud code, see BAUD_CODES

    @property
    def cmd(self) -> int:
        return self.value[0]

    @property
    def para(self) -> int:
        return self.value[1]


BAUD_CODES = {115200: 0x00, 57600: 0x01, 38400: 0x02, 19200: 0x03, 9600: 0x04}


def encode_request(command: Command, para: int | None = None, data: bytes = b"") -> bytes:
    return encode_frame(bytes([command.cmd, command.para if para is None else para]) + data)


def encode_set_baud(baudrate: int) -> bytes:
    if baudrate not in BAUD_CODES:
        raise ValueError(f"unsupported baud rate {baudrate}; readers take {sorted(BAUD_CODES)}")
    return encode_request(Command.SET_BAUD, BAUD_CODES[baudrate])


class Sw3(IntEnum):
    OK = 0x90
    CARD_FOUND = 0x9F
    CHECKSUM_ERROR = 0x10
    LENGTH_ERROR = 0x11
    COMMAND_ERROR = 0x21
    UNRECOGNISED = 0x24
    CARD_FAILED_TO_AUTHENTICATE_READER = 0x31
    READER_FAILED_TO_AUTHENTICATE_CARD = 0x32
    INFORMATION_VERIFICATION_ERROR = 0x33
    WRONG_CARD = 0x40
    READ_FAILED = 0x41
    RANDOM_NUMBER_FAILED = 0x47
    SELF_TEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66
    FIND_CARD_FAILED = 0x80
    SELECT_CARD_FAILED = 0x81
    NO_SUCH_CONTENT = 0x91


SUCCESS = frozenset({Sw3.OK, Sw3.CARD_FOUND})

# Every failing SW3 to its typed error (the outcome table the device raises from).
ERRORS: dict[int, type[errors.ReaderStatusError]] = {
    Sw3.CHECKSUM_ERROR: errors.CommandRejected,
    Sw3.LENGTH_ERROR: errors.CommandRejected,
    Sw3.COMMAND_ERROR: errors.CommandRejected,
    Sw3.UNRECOGNISED: errors.CommandRejected,
    Sw3.CARD_FAILED_TO_AUTHENTICATE_READER: errors.CardAuthenticationFailed,
    Sw3.READER_FAILED_TO_AUTHENTICATE_CARD: errors.CardAuthenticationFailed,
    Sw3.INFORMATION_VERIFICATION_ERROR: errors.CardAuthenticationFailed,
    Sw3.WRONG_CARD: errors.WrongCard,
    Sw3.READ_FAILED: errors.ReadFailed,
    Sw3.RANDOM_NUMBER_FAILED: errors.ReadFailed,
    Sw3.SELF_TEST_FAILED: errors.SamFailure,
    Sw3.SAM_NOT_AUTHORISED: errors.SamFailure,
    Sw3.FIND_CARD_FAILED: errors.NoCard,
    Sw3.SELECT_CARD_FAILED: errors.SelectFailed,
    Sw3.NO_SUCH_CONTENT: errors.NoSuchContent,
}


def describe_sw3(sw3: int) -> str:
    try:
        return Sw3(sw3).name.lower().replace("_", " ")
    except ValueError:
        return "unknown status"


@dataclass(frozen=True, slots=True)
class Request:
    cmd: int
    para: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @property
    def ok(self) -> bool:
        return self.sw3 in SUCCESS

    def raise_for_status(self) -> Response:
        if not self.ok:
            error = ERRORS.get(self.sw3, errors.ReaderStatusError)
            raise error(self.sw3, describe_sw3(self.sw3))
        return self


def parse_request(payload: bytes) -> Request:
    if len(payload) < 2:
        raise errors.MalformedResponse("request shorter than CMD PARA")
    return Request(payload[0], payload[1], bytes(payload[2:]))


def parse_response(payload: bytes) -> Response:
    if len(payload) < 3:
        raise errors.MalformedResponse("response shorter than SW1 SW2 SW3")
    return Response(payload[0], payload[1], payload[2], bytes(payload[3:]))


def encode_response(sw3: int, data: bytes = b"") -> bytes:
    return encode_frame(bytes([0x00, 0x00, sw3]) + data)


@dataclass(frozen=True, slots=True)
class CardBlocks:
    """The raw blocks of a read: 256-byte text, WLT photo, optional fingerprint data."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def parse_card_blocks(data: bytes, with_fingerprint: bool) -> CardBlocks:
    heads = 6 if with_fingerprint else 4
    if len(data) < heads:
        raise errors.MalformedResponse("read answer too short for its length fields")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    fp_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if heads + text_len + photo_len + fp_len != len(data):
        raise errors.MalformedResponse(
            f"lengths {text_len}+{photo_len}+{fp_len} do not match the {len(data) - heads} bytes received"
        )
    if text_len != 256:
        raise errors.MalformedResponse(f"text block of {text_len} bytes, expected 256")
    text = data[heads : heads + text_len]
    photo = data[heads + text_len : heads + text_len + photo_len]
    return CardBlocks(bytes(text), bytes(photo), bytes(data[heads + text_len + photo_len :]))


def encode_card_blocks(blocks: CardBlocks, with_fingerprint: bool) -> bytes:
    lengths = len(blocks.text).to_bytes(2, "big") + len(blocks.photo).to_bytes(2, "big")
    if with_fingerprint:
        lengths += len(blocks.fingerprint).to_bytes(2, "big")
        return lengths + blocks.text + blocks.photo + blocks.fingerprint
    return lengths + blocks.text + blocks.photo


class FrameDecoder:
    """Streaming decoder: feed bytes as they arrive, get complete frames (payloads) and frame errors.

    It resynchronises on the preamble after noise, waits for partial frames, and reports bad
    checksums and impossible lengths as :class:`~drivers.idcard.errors.FrameError` values (yielded,
    not raised, so one bad frame never hides the next). While a candidate frame is incomplete, a
    complete, valid frame further on wins: garbage that merely looks like a header cannot hold back
    a real frame behind it.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.noise_bytes = 0

    def feed(self, data: bytes) -> Iterator[bytes | errors.FrameError]:
        self._buffer += data
        while True:
            start = self._buffer.find(PREAMBLE)
            if start < 0:
                keep = len(PREAMBLE) - 1  # the tail may be the start of a preamble
                self._drop(max(0, len(self._buffer) - keep))
                return
            self._drop(start)
            if len(self._buffer) < HEADER_SIZE:
                return
            length = int.from_bytes(self._buffer[5:7], "big")
            if not MIN_LENGTH <= length <= MAX_LENGTH:
                self._drop(1)
                yield errors.ImpossibleLength(f"declared length {length}")
                continue
            end = HEADER_SIZE + length
            if len(self._buffer) < end:
                later = self._complete_frame_after(1)
                if later is None:
                    return  # wait for the rest
                self._drop(later)
                continue
            frame = self._buffer[:end]
            if checksum(frame[len(PREAMBLE) : -1]) != frame[-1]:
                self._drop(1)
                yield errors.ChecksumMismatch(f"checksum 0x{frame[-1]:02X} over a {length}-byte frame")
                continue
            payload = bytes(frame[HEADER_SIZE:-1])
            del self._buffer[:end]
            yield payload

    def _complete_frame_after(self, offset: int) -> int | None:
        """Where a complete, checksum-valid frame starts beyond ``offset``, if there is one."""
        pos = self._buffer.find(PREAMBLE, offset)
        while pos >= 0:
            if len(self._buffer) >= pos + HEADER_SIZE:
                length = int.from_bytes(self._buffer[pos + 5 : pos + 7], "big")
                end = pos + HEADER_SIZE + length
                if MIN_LENGTH <= length <= MAX_LENGTH and end <= len(self._buffer):
                    frame = self._buffer[pos:end]
                    if checksum(frame[len(PREAMBLE) : -1]) == frame[-1]:
                        return pos
            pos = self._buffer.find(PREAMBLE, pos + 1)
        return None

    def _drop(self, count: int) -> None:
        if count:
            self.noise_bytes += count
            del self._buffer[:count]

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def clear(self) -> None:
        self._buffer.clear()
