"""The polling loop over a real pty: one event per placement, removal, unplug/replug, masked logs."""

import io
import logging
import queue
from collections.abc import Iterator

import pytest

from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import (
    CardEvent,
    CardPlaced,
    CardPoller,
    CardReadFailed,
    CardRemoved,
    ReaderStatusChanged,
)
from drivers.idcard.simulator import Faults, PtySimulator, SimulatedReader, sample_cards
from drivers.status import DeviceStatus
from kiosk.logs import configure_logging

CARDS = sample_cards()
Events = queue.Queue[CardEvent]


@pytest.fixture
def events() -> Events:
    return queue.Queue()


@pytest.fixture
def poller(pty_sim: PtySimulator, events: Events) -> Iterator[CardPoller]:
    assert pty_sim.link is not None
    poller = CardPoller(IdCardReader(str(pty_sim.link)), events.put, interval_s=0.05, reopen_interval_s=0.1)
    poller.start()
    yield poller
    poller.stop()


def drain(events: Events, quiet_s: float) -> list[CardEvent]:
    """Every event until none has come for ``quiet_s`` (the reopen attempts keep coming in between)."""
    got: list[CardEvent] = []
    while True:
        try:
            got.append(events.get(timeout=quiet_s))
        except queue.Empty:
            return got


def next_event(events: Events, kind: type, timeout: float = 10) -> CardEvent:
    """The next event of ``kind``; status events in between are allowed, others are not."""
    while True:
        event = events.get(timeout=timeout)
        if isinstance(event, kind):
            return event
        assert isinstance(event, ReaderStatusChanged), (
            f"unexpected {event!r} while waiting for {kind.__name__}"
        )


def test_a_card_is_reported_once_per_placement(
    poller: CardPoller, sim_reader: SimulatedReader, events: Events
) -> None:
    assert next_event(events, ReaderStatusChanged) == ReaderStatusChanged(DeviceStatus.ONLINE)
    sim_reader.place(CARDS["resident"])
    placed = next_event(events, CardPlaced)
    assert isinstance(placed, CardPlaced)
    assert placed.record == CARDS["resident"]
    reads = sum(1 for r in sim_reader.requests if r.cmd == 0x30)
    # The card stays: polls go on, but nobody reads it again and no event comes.
    requests_before = len(sim_reader.requests)
    while len(sim_reader.requests) < requests_before + 6:
        with pytest.raises(queue.Empty):
            events.get(timeout=0.1)
    assert sum(1 for r in sim_reader.requests if r.cmd == 0x30) == reads
    sim_reader.remove()
    assert next_event(events, CardRemoved) == CardRemoved()
    sim_reader.place(CARDS["foreign"])
    placed = next_event(events, CardPlaced)
    assert isinstance(placed, CardPlaced)
    assert placed.record == CARDS["foreign"]


def test_an_unreadable_card_is_reported_once_then_read_when_it_works(
    poller: CardPoller, sim_reader: SimulatedReader, events: Events
) -> None:
    sim_reader.set_faults(Faults.named("auth_fail"))
    sim_reader.place(CARDS["hmt"])
    failed = next_event(events, CardReadFailed)
    assert isinstance(failed, CardReadFailed)
    assert "校验" in failed.error.message_zh
    sim_reader.set_faults(Faults())  # the member lays the card flat
    placed = next_event(events, CardPlaced)
    assert isinstance(placed, CardPlaced)
    sim_reader.remove()
    next_event(events, CardRemoved)


def test_unplug_and_replug_are_reported(poller: CardPoller, pty_sim: PtySimulator, events: Events) -> None:
    assert next_event(events, ReaderStatusChanged) == ReaderStatusChanged(DeviceStatus.ONLINE)
    pty_sim.unplug()
    gone = events.get(timeout=10)
    assert isinstance(gone, ReaderStatusChanged)
    assert gone.status is DeviceStatus.NO_DEVICE
    pty_sim.plug()
    back = events.get(timeout=10)
    assert back == ReaderStatusChanged(DeviceStatus.ONLINE)


def test_a_silent_reader_is_offline_until_it_answers(
    poller: CardPoller, sim_reader: SimulatedReader, events: Events
) -> None:
    next_event(events, ReaderStatusChanged)
    sim_reader.set_faults(Faults.named("silence"))
    silent = events.get(timeout=10)
    assert isinstance(silent, ReaderStatusChanged)
    assert silent.status is DeviceStatus.OFFLINE
    sim_reader.set_faults(Faults())
    assert events.get(timeout=10) == ReaderStatusChanged(DeviceStatus.ONLINE)


def test_no_full_id_number_or_name_in_any_log_line(
    pty_sim: PtySimulator, sim_reader: SimulatedReader
) -> None:
    out = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging("json", "DEBUG", stream=out)
    try:
        assert pty_sim.link is not None
        events: Events = queue.Queue()
        poller = CardPoller(IdCardReader(str(pty_sim.link)), events.put, interval_s=0.05)
        poller.start()
        sim_reader.set_faults(Faults.named("corrupt_checksum_once"))
        sim_reader.place(CARDS["resident"])
        next_event(events, CardPlaced)
        sim_reader.remove()
        next_event(events, CardRemoved)
        poller.stop()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    text = out.getvalue()
    assert "card read" in text
    assert "3713**********0029" in text
    assert CARDS["resident"].id_number not in text
    assert CARDS["resident"].name not in text


def test_a_failed_sam_keeps_the_reader_out_of_service(
    poller: CardPoller, sim_reader: SimulatedReader, pty_sim: PtySimulator, events: Events
) -> None:
    next_event(events, ReaderStatusChanged)
    sim_reader.set_faults(Faults.named("sam_selftest_fail"))
    pty_sim.unplug()  # the reader restarts with a failing security module
    pty_sim.plug()
    sim_reader.place(CARDS["resident"])
    seen = []
    while not any(
        isinstance(e, ReaderStatusChanged) and e.status is DeviceStatus.HARDWARE_ERROR for e in seen
    ):
        seen.append(events.get(timeout=10))
    more = drain(events, quiet_s=1.0)  # it stays out of service: no "online", no card read
    assert not any(isinstance(e, CardPlaced) for e in seen + more)
    assert not any(isinstance(e, ReaderStatusChanged) and e.status is DeviceStatus.ONLINE for e in more)
