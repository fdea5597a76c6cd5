"""End to end through a real pty: every card kind, every fault, unplug and replug."""

from pathlib import Path

import pytest

from drivers.idcard import errors
from drivers.idcard.device import IdCardReader
from drivers.idcard.simulator import Faults, PtySimulator, SimulatedReader, register, sample_cards, unregister
from drivers.status import DeviceStatus

CARDS = sample_cards()


def port_of(sim: PtySimulator) -> str:
    assert sim.link is not None
    return str(sim.link)


@pytest.mark.parametrize("kind", ["resident", "hmt", "foreign", "expired"])
def test_every_kind_reads_through_a_pty(
    kind: str, sim_reader: SimulatedReader, pty_sim: PtySimulator
) -> None:
    sim_reader.place(CARDS[kind])
    with IdCardReader(port_of(pty_sim)) as reader:
        assert reader.status is DeviceStatus.ONLINE
        record = reader.read_placed_card()
    assert record == CARDS[kind]
    assert len(record.photo) == 1024
    assert reader.status is DeviceStatus.OFFLINE  # closed


def test_fingerprint_read_and_sam_id(sim_reader: SimulatedReader, pty_sim: PtySimulator) -> None:
    sim_reader.place(CARDS["resident"])
    with IdCardReader(port_of(pty_sim)) as reader:
        assert reader.sam_id().count("-") == 3
        reader.reset()
        assert reader.find_card()
        reader.select_card()
        assert reader.read_card(fingerprint=True) == CARDS["resident"]
        assert reader.read_new_address() is None


@pytest.mark.parametrize("fault", ["noise", "slow_chunks", "corrupt_checksum_once"])
def test_recoverable_faults_still_give_the_card(
    fault: str, sim_reader: SimulatedReader, pty_sim: PtySimulator
) -> None:
    sim_reader.place(CARDS["hmt"])
    sim_reader.set_faults(Faults.named(fault))
    with IdCardReader(port_of(pty_sim)) as reader:
        assert reader.read_placed_card() == CARDS["hmt"]
        assert reader.retries == (1 if fault == "corrupt_checksum_once" else 0)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("select_fail", errors.SelectFailed),
        ("auth_fail", errors.CardAuthenticationFailed),
        ("read_fail", errors.ReadFailed),
    ],
)
def test_card_faults_raise_typed_errors(
    fault: str, error: type[errors.IdCardError], sim_reader: SimulatedReader, pty_sim: PtySimulator
) -> None:
    sim_reader.place(CARDS["resident"])
    with IdCardReader(port_of(pty_sim)) as reader:
        sim_reader.set_faults(Faults.named(fault))
        with pytest.raises(error) as info:
            reader.read_placed_card()
        assert info.value.message_zh
        assert reader.status is DeviceStatus.ONLINE  # the reader is fine; the card is the problem


def test_no_card(sim_reader: SimulatedReader, pty_sim: PtySimulator) -> None:
    sim_reader.place(CARDS["resident"])
    sim_reader.set_faults(Faults.named("no_card"))
    with IdCardReader(port_of(pty_sim)) as reader:
        assert reader.find_card() is False
        with pytest.raises(errors.NoCard):
            reader.read_placed_card()


def test_silence_times_out(sim_reader: SimulatedReader, pty_sim: PtySimulator) -> None:
    sim_reader.set_faults(Faults.named("silence"))
    reader = IdCardReader(port_of(pty_sim), command_timeout_s=0.3)
    with pytest.raises(errors.ReaderTimeout):
        reader.open()
    assert reader.status is DeviceStatus.OFFLINE
    assert not reader.is_open


def test_sam_self_test_failure_is_a_hardware_error(
    sim_reader: SimulatedReader, pty_sim: PtySimulator
) -> None:
    sim_reader.set_faults(Faults.named("sam_selftest_fail"))
    reader = IdCardReader(port_of(pty_sim))
    with pytest.raises(errors.SamFailure):
        reader.open()
    assert reader.status is DeviceStatus.HARDWARE_ERROR
    assert not reader.is_open  # no card is read through a failed SAM
    sim_reader.set_faults(Faults())
    reader.open()  # the next open checks the SAM again
    assert reader.status is DeviceStatus.ONLINE
    reader.close()


def test_missing_port_is_no_device(tmp_path: Path) -> None:
    reader = IdCardReader(str(tmp_path / "ttyUSB9"))
    with pytest.raises(errors.ReaderUnavailable):
        reader.open()
    assert reader.status is DeviceStatus.NO_DEVICE


def test_unplug_and_replug(sim_reader: SimulatedReader, pty_sim: PtySimulator) -> None:
    sim_reader.place(CARDS["resident"])
    reader = IdCardReader(port_of(pty_sim))
    reader.open()
    pty_sim.unplug()
    with pytest.raises(errors.ReaderUnavailable):
        reader.find_card()
    assert reader.status is DeviceStatus.NO_DEVICE
    assert not reader.is_open
    pty_sim.plug()
    reader.open()
    assert reader.read_placed_card() == CARDS["resident"]
    reader.close()


def test_baud_rate_change_is_followed(sim_reader: SimulatedReader, pty_sim: PtySimulator) -> None:
    sim_reader.place(CARDS["foreign"])
    with IdCardReader(port_of(pty_sim)) as reader:
        reader.set_baudrate(57600)
        assert sim_reader.baudrate == 57600
        assert reader.read_placed_card() == CARDS["foreign"]
        with pytest.raises(ValueError, match="unsupported"):
            reader.set_baudrate(1234)


def test_the_url_transport_speaks_the_same_protocol() -> None:
    sim = SimulatedReader(CARDS["resident"], Faults.named("noise", "corrupt_checksum_once"))
    url = register("test-url", sim)
    try:
        with IdCardReader(url) as reader:
            assert reader.read_placed_card() == CARDS["resident"]
            assert reader.retries == 1
            sim.plugged = False
            with pytest.raises(errors.ReaderUnavailable):
                reader.find_card()
            with pytest.raises(errors.ReaderUnavailable):
                reader.open()
            sim.plugged = True
            reader.open()
            assert reader.find_card()
    finally:
        unregister("test-url")


def test_the_simulator_answers_a_garbled_request_with_a_checksum_error() -> None:
    sim = SimulatedReader()
    from drivers.idcard import protocol

    request = bytearray(protocol.encode_request(protocol.Command.FIND_CARD))
    request[-1] ^= 0xFF
    (chunk,) = sim.handle(bytes(request))
    (payload,) = list(protocol.FrameDecoder().feed(chunk.data))
    assert isinstance(payload, bytes)
    assert protocol.parse_response(payload).sw3 == protocol.Sw3.CHECKSUM_ERROR
