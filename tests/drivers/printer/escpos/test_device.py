"""The receipt printer through a real pty to the simulator, which parses every byte it receives."""

import gc
from collections.abc import Iterator

import pytest

from drivers.printer import errors
from drivers.printer.escpos import protocol
from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.escpos.protocol import Receipt
from drivers.printer.escpos.transport import EscPosLink
from drivers.printer.health import PaperState
from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty
from drivers.printer.simulator.escpos_tcp import EscPosTcp
from drivers.status import DeviceStatus

RECEIPT = Receipt(
    title="住房公积金提取回执",
    rows=(("业务流水号", "TQ20261128000123"), ("提取金额", "¥12,000.00"), ("姓名", "林**")),
    qr="https://gjj.example/v/TQ20261128000123",
    footer=("请妥善保管本回执", "咨询电话 12329"),
)


@pytest.fixture
def sim() -> SimulatedReceiptPrinter:
    return SimulatedReceiptPrinter()


@pytest.fixture
def pty(sim: SimulatedReceiptPrinter) -> Iterator[EscPosPty]:
    with EscPosPty(sim) as served:
        yield served


def test_a_receipt_is_parsed_back_by_the_printer(sim: SimulatedReceiptPrinter, pty: EscPosPty) -> None:
    with ReceiptPrinter(pty.path) as printer:
        health = printer.print_receipt(RECEIPT)
    assert (health.device, health.paper) == (DeviceStatus.ONLINE, PaperState.FULL)
    (printed,) = sim.receipts
    assert printed.lines == [
        "住房公积金提取回执",
        "业务流水号：TQ20261128000123",
        "提取金额：¥12,000.00",
        "姓名：林**",
        "",
        "请妥善保管本回执",
        "咨询电话 12329",
    ]
    assert printed.qr_codes == ["https://gjj.example/v/TQ20261128000123"]
    assert printed.cut
    assert sim.unknown == []
    assert sim.status_queries == [1, 2, 3, 4, 1, 2, 3, 4]  # before and after


def test_the_engine_reads_bytes_split_anywhere() -> None:
    data = protocol.encode_receipt(RECEIPT)
    whole, split = SimulatedReceiptPrinter(), SimulatedReceiptPrinter()
    whole.handle(data)
    for i in range(len(data)):
        split.handle(data[i : i + 1])
    assert split.receipts == whole.receipts
    assert whole.receipts[0].lines[0] == "住房公积金提取回执"


def test_paper_low_prints_and_warns(sim: SimulatedReceiptPrinter, pty: EscPosPty) -> None:
    sim.set_faults("paper_low")
    with ReceiptPrinter(pty.path) as printer:
        health = printer.print_receipt(RECEIPT)
    assert (health.paper, health.can_print, health.warnings) == (PaperState.LOW, True, ("media-low",))
    assert len(sim.receipts) == 1


@pytest.mark.parametrize(
    ("fault", "error", "expected"),
    [
        ("paper_out", errors.PaperOut, (DeviceStatus.OFFLINE, "打印纸已用完，请联系工作人员添加纸张")),
        ("cover_open", errors.CoverOpen, (DeviceStatus.USER_ERROR, "打印机盖未关好，请联系工作人员处理")),
        ("cutter_error", errors.PrinterFault, (DeviceStatus.HARDWARE_ERROR, "打印机故障，请联系工作人员")),
    ],
)
def test_faults_refuse_before_printing(
    sim: SimulatedReceiptPrinter,
    pty: EscPosPty,
    fault: str,
    error: type[errors.PrinterError],
    expected: tuple[DeviceStatus, str],
) -> None:
    device, message = expected
    sim.set_faults(fault)
    with ReceiptPrinter(pty.path) as printer:
        health = printer.health()
        assert (health.device, health.can_print, health.message_zh) == (device, False, message)
        with pytest.raises(error) as failed:
            printer.print_receipt(RECEIPT)
    assert failed.value.message_zh == message
    assert sim.receipts == []
    assert sim.lost_bytes == 0  # refused before sending


def test_a_silent_printer_is_offline(sim: SimulatedReceiptPrinter, pty: EscPosPty) -> None:
    sim.set_faults("silent")
    with ReceiptPrinter(pty.path, timeout_s=0.2) as printer:
        assert printer.health().device is DeviceStatus.OFFLINE
        with pytest.raises(errors.PrinterOffline):
            printer.print_receipt(RECEIPT)


def test_reprint_after_paper_is_added(sim: SimulatedReceiptPrinter, pty: EscPosPty) -> None:
    sim.set_faults("paper_out")
    with ReceiptPrinter(pty.path) as printer:
        with pytest.raises(errors.PaperOut):
            printer.print_receipt(RECEIPT)
        sim.set_faults()
        printer.print_receipt(RECEIPT)
    assert len(sim.receipts) == 1


def test_no_such_port_is_no_device(tmp_path: object) -> None:
    printer = ReceiptPrinter("/dev/nonexistent-receipt-printer")
    assert printer.health().device is DeviceStatus.NO_DEVICE
    with pytest.raises(errors.PrinterUnavailable):
        printer.open()


def test_unknown_faults_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown faults"):
        SimulatedReceiptPrinter("on_fire")


def test_a_network_printer_on_port_9100_style_tcp() -> None:
    sim = SimulatedReceiptPrinter("paper_low")
    with EscPosTcp(sim) as server, ReceiptPrinter(server.url) as printer:
        assert printer.print_receipt(RECEIPT).paper is PaperState.LOW
    assert sim.receipts[0].qr_codes == [RECEIPT.qr]


def test_paper_running_out_mid_receipt_is_caught_by_the_check_after(
    sim: SimulatedReceiptPrinter, pty: EscPosPty
) -> None:
    sim.set_faults("runs_out")
    with ReceiptPrinter(pty.path) as printer:
        with pytest.raises(errors.PaperOut):
            printer.print_receipt(RECEIPT)
        assert printer.health().paper is PaperState.OUT
    assert sim.receipts == []  # never cut: the member got half a receipt at most
    assert sim.lost_bytes > 0


def test_a_printer_unplugged_mid_session_is_no_device_and_every_call_is_typed(
    sim: SimulatedReceiptPrinter, pty: EscPosPty
) -> None:
    """A tty whose other side went away fails with termios.error (not an OSError) in tcflush and
    tcdrain: health() still answers, printing raises PrinterUnavailable, closing raises nothing."""
    printer = ReceiptPrinter(pty.path)
    printer.open()
    assert printer.health().can_print
    pty.stop()  # the simulator's side of the pty is closed: the printer was unplugged
    health = printer.health()
    assert (health.device, health.paper, health.can_print) == (
        DeviceStatus.NO_DEVICE,
        PaperState.UNKNOWN,
        False,
    )
    with pytest.raises(errors.PrinterUnavailable):
        printer.print_receipt(RECEIPT)
    printer.close()
    printer.close()
    assert sim.receipts == []


@pytest.mark.parametrize("call", ["discard_input", "write", "read_byte", "close"])
def test_each_link_call_on_a_dead_tty_is_a_typed_error(
    pty: EscPosPty, call: str, recwarn: pytest.WarningsRecorder
) -> None:
    link = EscPosLink(pty.path, timeout_s=0.2)
    link.open()
    pty.stop()
    if call == "close":
        link.close()
    else:
        with pytest.raises(errors.PrinterUnavailable, match="went away"):
            getattr(link, call)(
                *((protocol.status_request(protocol.StatusQuery.PRINTER),) if call == "write" else ())
            )
    assert not link.is_open  # the next use reopens the port, or finds it missing
    del link
    gc.collect()  # python-escpos closes in __del__: that must not fail on the dead tty either
    assert [str(w.message) for w in recwarn] == []
