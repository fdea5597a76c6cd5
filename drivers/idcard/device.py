"""The reader as a device: sequences commands over the transport and keeps a status.

No I/O happens in properties; :meth:`IdCardReader.open` and :meth:`close` (or ``with``) own the port.
"""

from __future__ import annotations

import logging
import termios
import time
from typing import Any

import serial

from drivers.idcard import errors, protocol
from drivers.idcard.carddata import CardRecord, parse_new_address, parse_text
from drivers.idcard.protocol import Command
from drivers.idcard.transport import DEFAULT_BAUDRATE, open_port
from drivers.status import DeviceStatus

log = logging.getLogger(__name__)

# Answer sizes, for deadlines that follow the line speed.
_READ_ANSWER_BYTES = 1295
_READ_FP_ANSWER_BYTES = 1297 + 1024
_SHORT_ANSWER_BYTES = 30


class IdCardReader:
    def __init__(self, url: str, baudrate: int = DEFAULT_BAUDRATE, command_timeout_s: float = 0.5) -> None:
        self.url = url
        self.baudrate = baudrate
        self.command_timeout_s = command_timeout_s
        self._port: serial.SerialBase | None = None
        self._decoder = protocol.FrameDecoder()
        self._status = DeviceStatus.OFFLINE
        self.retries = 0  # garbled answers recovered by the one retry (for health reporting)

    # -- lifecycle -----------------------------------------------------------------------------
    def open(self) -> None:
        """Open the port and check the SAM; status becomes online or says what is wrong."""
        if self._port is not None:
            return
        self._status = DeviceStatus.STARTING
        try:
            self._port = open_port(self.url, self.baudrate)
        except errors.ReaderUnavailable:
            self._status = DeviceStatus.NO_DEVICE
            raise
        try:
            self.sam_status()
        except errors.SamFailure:
            # Closed, so that the next open checks the SAM again: a reader whose security module
            # failed must never read cards until it passes.
            self.close(DeviceStatus.HARDWARE_ERROR)
            raise
        except errors.IdCardError:
            self.close(DeviceStatus.OFFLINE)
            raise
        self._status = DeviceStatus.ONLINE

    def close(self, status: DeviceStatus = DeviceStatus.OFFLINE) -> None:
        port, self._port = self._port, None
        self._decoder.clear()
        self._status = status
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError, termios.error) as exc:
                log.debug("closing %s: %s", self.url, exc)

    def __enter__(self) -> IdCardReader:
        self.open()
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._port is not None

    @property
    def status(self) -> DeviceStatus:
        return self._status

    # -- commands ------------------------------------------------------------------------------
    def reset(self) -> None:
        self._transact(protocol.encode_request(Command.RESET)).raise_for_status()

    def sam_status(self) -> None:
        """Raises :class:`~drivers.idcard.errors.SamFailure` when the SAM's self-test fails."""
        self._transact(protocol.encode_request(Command.SAM_STATUS)).raise_for_status()

    def sam_id(self) -> str:
        data = self._transact(protocol.encode_request(Command.SAM_ID)).raise_for_status().data
        if len(data) < 16:
            raise errors.MalformedResponse(f"SAM id of {len(data)} bytes")
        le = int.from_bytes
        return (
            f"{le(data[0:2], 'little'):02d}.{le(data[2:4], 'little'):02d}-{le(data[4:8], 'little'):08d}-"
            f"{le(data[8:12], 'little'):010d}-{le(data[12:16], 'little'):010d}"
        )

    def find_card(self) -> bool:
        response = self._transact(protocol.encode_request(Command.FIND_CARD))
        if response.sw3 == protocol.Sw3.FIND_CARD_FAILED:
            return False
        response.raise_for_status()
        return True

    def select_card(self) -> None:
        self._transact(protocol.encode_request(Command.SELECT_CARD)).raise_for_status()

    def read_card(self, fingerprint: bool = False) -> CardRecord:
        """Read text and photo (and fingerprint data) of a found and selected card."""
        command = Command.READ_TEXT_PHOTO_FP if fingerprint else Command.READ_TEXT_PHOTO
        size = _READ_FP_ANSWER_BYTES if fingerprint else _READ_ANSWER_BYTES
        response = self._transact(protocol.encode_request(command), size).raise_for_status()
        blocks = protocol.parse_card_blocks(response.data, with_fingerprint=fingerprint)
        return parse_text(blocks.text).with_photo(blocks.photo, blocks.fingerprint)

    def read_new_address(self) -> str | None:
        """The newest address appended to the card, or None when it has none."""
        response = self._transact(protocol.encode_request(Command.READ_NEW_ADDRESS), 80)
        if response.sw3 == protocol.Sw3.NO_SUCH_CONTENT:
            return None
        return parse_new_address(response.raise_for_status().data)

    def set_baudrate(self, baudrate: int) -> None:
        """Ask the reader to change speed, then follow it."""
        self._transact(protocol.encode_set_baud(baudrate)).raise_for_status()
        self.baudrate = baudrate
        if self._port is not None:
            self._port.baudrate = baudrate

    def read_placed_card(self, fingerprint: bool = False) -> CardRecord:
        """Find, select and read: the whole sequence for a card that was just placed."""
        if not self.find_card():
            raise errors.NoCard(protocol.Sw3.FIND_CARD_FAILED, "no card on the reader")
        self.select_card()
        return self.read_card(fingerprint)

    # -- the exchange --------------------------------------------------------------------------
    def _deadline_s(self, answer_bytes: int) -> float:
        return self.command_timeout_s + 3 * answer_bytes * 10 / self.baudrate

    def _transact(self, request: bytes, answer_bytes: int = _SHORT_ANSWER_BYTES) -> protocol.Response:
        """Send one request and wait for its answer; a garbled answer is asked for once more."""
        for attempt in (1, 2):
            try:
                return self._exchange(request, self._deadline_s(answer_bytes))
            except errors.FrameError as exc:
                if attempt == 2:
                    raise
                self.retries += 1
                log.info("garbled answer from %s (%s); asking once more", self.url, exc)
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(self, request: bytes, timeout_s: float) -> protocol.Response:
        port = self._port
        if port is None:
            raise errors.ReaderUnavailable(f"card reader at {self.url} is not open")
        deadline = time.monotonic() + timeout_s
        self._decoder.clear()
        length_error: errors.FrameError | None = None
        try:
            port.reset_input_buffer()
            port.write(request)
            # Read at least once more after the deadline: on a busy machine this thread may only run
            # again after the deadline, with the whole answer already waiting in the buffer.
            last_look = False
            while not last_look:
                last_look = time.monotonic() >= deadline
                chunk = port.read(max(1, port.in_waiting))
                for item in self._decoder.feed(chunk):
                    if isinstance(item, errors.ChecksumMismatch):
                        raise item
                    if isinstance(item, errors.FrameError):
                        length_error = item  # noise that looked like a header: keep listening
                        continue
                    return protocol.parse_response(item)
        except (serial.SerialException, OSError, termios.error) as exc:  # termios: an unplugged tty
            self.close(DeviceStatus.NO_DEVICE)
            raise errors.ReaderUnavailable(f"card reader at {self.url} went away: {exc}") from exc
        if length_error is not None:
            raise length_error
        raise errors.ReaderTimeout(f"no answer from the card reader at {self.url} within {timeout_s:.2f} s")
