"""The polling loop: reports a card once per placement, its removal, and the reader's status.

It runs on its own thread and hands events to a callback (the app posts them to the UI thread).
A card counts as removed after ``removal_polls`` polls in a row find nothing, so one missed poll
while the member shifts the card is not a removal. An unplugged reader is reopened every
``reopen_interval_s``; failures and recoveries are logged once each.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from drivers.idcard import errors
from drivers.idcard.carddata import CardRecord
from drivers.idcard.device import IdCardReader
from drivers.status import DeviceStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CardPlaced:
    record: CardRecord


@dataclass(frozen=True, slots=True)
class CardRemoved:
    pass


@dataclass(frozen=True, slots=True)
class CardReadFailed:
    """A card is on the reader but could not be read; ``error.message_zh`` tells the member why."""

    error: errors.IdCardError


@dataclass(frozen=True, slots=True)
class ReaderStatusChanged:
    status: DeviceStatus
    problem: str | None = None


CardEvent = CardPlaced | CardRemoved | CardReadFailed | ReaderStatusChanged


class CardPoller:
    def __init__(
        self,
        reader: IdCardReader,
        on_event: Callable[[CardEvent], None],
        interval_s: float = 0.1,
        reopen_interval_s: float = 2.0,
        removal_polls: int = 2,
    ) -> None:
        self.reader = reader
        self._emit = on_event
        self.interval_s = interval_s
        self.reopen_interval_s = reopen_interval_s
        self.removal_polls = removal_polls
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reported_status: DeviceStatus | None = None
        self._card_on_reader = False  # a placement is in progress (read or failed)
        self._read_done = False
        self._misses = 0

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="idcard-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.reader.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = self.poll_once()
            self._stop.wait(wait)

    def poll_once(self) -> float:
        """One step of the loop; returns how long to wait before the next."""
        if not self.reader.is_open:
            try:
                self.reader.open()
            except errors.IdCardError as exc:
                self._status(self.reader.status, str(exc))
                self._forget_card()
                return self.reopen_interval_s
            self._status(self.reader.status)
        try:
            present = self.reader.find_card()
        except errors.ReaderUnavailable as exc:
            self._status(DeviceStatus.NO_DEVICE, str(exc))
            self._forget_card()
            return self.reopen_interval_s
        except errors.IdCardError as exc:  # silence or garbage: the reader is not answering sensibly
            self.reader.close(DeviceStatus.OFFLINE)
            self._status(DeviceStatus.OFFLINE, str(exc))
            self._forget_card()
            return self.reopen_interval_s
        self._status(DeviceStatus.ONLINE)
        if present:
            self._misses = 0
            if not self._read_done:
                self._read()
        elif self._card_on_reader:
            self._misses += 1
            if self._misses >= self.removal_polls:
                self._forget_card()
        return self.interval_s

    def _read(self) -> None:
        first_try = not self._card_on_reader
        self._card_on_reader = True
        try:
            self.reader.select_card()
            record = self.reader.read_card()
        except errors.ReaderUnavailable as exc:
            self._status(DeviceStatus.NO_DEVICE, str(exc))
            return
        except errors.IdCardError as exc:
            if first_try:  # tell the member once per placement; keep trying while the card lies there
                log.info("card on the reader could not be read: %s", exc)
                self._emit(CardReadFailed(exc))
            return
        self._read_done = True
        log.info("card read: %s", record.card_type.value, extra={"id_number": record.id_number})
        self._emit(CardPlaced(record))

    def _forget_card(self) -> None:
        if self._card_on_reader:
            self._emit(CardRemoved())
        self._card_on_reader = False
        self._read_done = False
        self._misses = 0

    def _status(self, status: DeviceStatus, problem: str | None = None) -> None:
        if status == self._reported_status:
            return
        if status == DeviceStatus.ONLINE:
            log.info("card reader %s online", self.reader.url)
        else:
            log.warning("card reader %s %s: %s", self.reader.url, status.value, problem)
        self._reported_status = status
        self._emit(ReaderStatusChanged(status, problem))
