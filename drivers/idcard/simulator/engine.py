"""The simulated reader's logic: request frames in, response frames (with timing) out."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, fields, replace

from drivers.idcard import errors, protocol
from drivers.idcard.carddata import CardRecord, encode_text
from drivers.idcard.protocol import BAUD_CODES, CardBlocks, Command, Sw3, encode_response

SAM_ID = bytes.fromhex("0501000057A43401B0C41C0000000000")
CHUNK_SIZE = 64
CHUNK_GAP_S = 0.015


@dataclass(frozen=True, slots=True)
class Faults:
    noise: bool = False  # random bytes before every answer
    slow_chunks: bool = False  # answers in 64-byte pieces, 15 ms apart
    corrupt_checksum_once: bool = False  # the next card read carries a wrong checksum
    no_card: bool = False  # find card always fails
    select_fail: bool = False
    auth_fail: bool = False  # the reader fails to authenticate the card
    read_fail: bool = False
    silence: bool = False  # no answer at all
    sam_selftest_fail: bool = False

    @classmethod
    def named(cls, *names: str) -> Faults:
        unknown = set(names) - set(FAULT_NAMES)
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; known: {', '.join(FAULT_NAMES)}")
        return cls(**dict.fromkeys(names, True))


FAULT_NAMES = tuple(f.name for f in fields(Faults))


@dataclass(frozen=True, slots=True)
class Chunk:
    delay_s: float  # wait this long after the previous chunk, then send
    data: bytes


class SimulatedReader:
    """Thread-safe: tests place and remove cards while the driver talks to it."""

    def __init__(
        self,
        card: CardRecord | None = None,
        faults: Faults = Faults(),
        seed: int | None = None,
        new_address: str | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._card = card
        self._faults = faults
        self._new_address = new_address
        self._rng = random.Random(seed)
        self._decoder = protocol.FrameDecoder()
        self.baudrate = 115200
        self.plugged = True  # False: the URL transport behaves as an unplugged USB adapter
        self.requests: list[protocol.Request] = []

    # -- the world around the reader -----------------------------------------------------------
    def place(self, card: CardRecord) -> None:
        with self._lock:
            self._card = card

    def remove(self) -> None:
        with self._lock:
            self._card = None

    @property
    def faults(self) -> Faults:
        return self._faults

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults

    # -- the wire ------------------------------------------------------------------------------
    def handle(self, data: bytes) -> list[Chunk]:
        """Feed request bytes; returns what the reader sends back, in timed chunks."""
        chunks: list[Chunk] = []
        with self._lock:
            for item in self._decoder.feed(data):
                if isinstance(item, errors.FrameError):
                    chunks += self._send(encode_response(Sw3.CHECKSUM_ERROR))
                    continue
                request = protocol.parse_request(item)
                self.requests.append(request)
                if self._faults.silence:
                    continue
                chunks += self._send(self._answer(request))
        return chunks

    def _answer(self, request: protocol.Request) -> bytes:
        if request.cmd == Command.SET_BAUD.cmd:
            return self._set_baud(request.para)
        handler = {
            Command.RESET.value: lambda: encode_response(Sw3.OK),
            Command.SAM_STATUS.value: self._sam_status,
            Command.SAM_ID.value: lambda: encode_response(Sw3.OK, SAM_ID),
            Command.FIND_CARD.value: self._find,
            Command.SELECT_CARD.value: self._select,
            Command.READ_TEXT_PHOTO.value: lambda: self._read(with_fingerprint=False),
            Command.READ_TEXT_PHOTO_FP.value: lambda: self._read(with_fingerprint=True),
            Command.READ_NEW_ADDRESS.value: self._new_address_answer,
        }.get((request.cmd, request.para))
        return handler() if handler else encode_response(Sw3.UNRECOGNISED)

    def _sam_status(self) -> bytes:
        return encode_response(Sw3.SELF_TEST_FAILED if self._faults.sam_selftest_fail else Sw3.OK)

    def _find(self) -> bytes:
        if self._card is None or self._faults.no_card:
            return encode_response(Sw3.FIND_CARD_FAILED)
        return encode_response(Sw3.CARD_FOUND, bytes(4))

    def _select(self) -> bytes:
        if self._card is None or self._faults.select_fail:
            return encode_response(Sw3.SELECT_CARD_FAILED)
        return encode_response(Sw3.OK, bytes(8))

    def _new_address_answer(self) -> bytes:
        if self._card is None:
            return encode_response(Sw3.READ_FAILED)
        if self._new_address is None:
            return encode_response(Sw3.NO_SUCH_CONTENT)
        return encode_response(Sw3.OK, self._new_address.encode("utf-16-le").ljust(70, b" \x00"))

    def _set_baud(self, code: int) -> bytes:
        rates = {c: rate for rate, c in BAUD_CODES.items()}
        if code not in rates:
            return encode_response(Sw3.COMMAND_ERROR)
        self.baudrate = rates[code]
        return encode_response(Sw3.OK)

    def _read(self, with_fingerprint: bool) -> bytes:
        f, card = self._faults, self._card
        if card is None:
            return encode_response(Sw3.READ_FAILED)
        if f.auth_fail:
            return encode_response(Sw3.READER_FAILED_TO_AUTHENTICATE_CARD)
        if f.read_fail:
            return encode_response(Sw3.READ_FAILED)
        blocks = CardBlocks(encode_text(card), card.photo, card.fingerprint if with_fingerprint else b"")
        frame = encode_response(Sw3.OK, protocol.encode_card_blocks(blocks, with_fingerprint))
        if f.corrupt_checksum_once:
            self._faults = replace(f, corrupt_checksum_once=False)
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        return frame

    def _send(self, frame: bytes) -> list[Chunk]:
        if self._faults.noise:
            # Noise never contains 0xAA, so it cannot fake a preamble; the driver must skip it.
            noise = bytes(
                self._rng.choice([b for b in range(256) if b != 0xAA])
                for _ in range(self._rng.randint(3, 40))
            )
            frame = noise + frame
        if not self._faults.slow_chunks:
            return [Chunk(0.0, frame)]
        return [
            Chunk(CHUNK_GAP_S if i else 0.0, frame[i : i + CHUNK_SIZE])
            for i in range(0, len(frame), CHUNK_SIZE)
        ]


def wire_time_s(nbytes: int, baudrate: int) -> float:
    """Time the bytes take on an 8N1 line (10 bits a byte)."""
    return nbytes * 10 / baudrate
