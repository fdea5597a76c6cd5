"""ESC/POS bytes, exactly, and the DLE EOT status bits (Epson layout): tables, no device."""

import pytest

from drivers.printer.escpos import protocol
from drivers.printer.escpos.protocol import RealtimeStatus, Receipt, StatusQuery
from drivers.printer.health import Cause, PaperState
from drivers.status import DeviceStatus


def test_chinese_text_is_gb18030_inside_chinese_mode() -> None:
    assert protocol.text("提取成功") == b"\x1c&" + "提取成功".encode("gb18030") + b"\x1c.\n"
    assert protocol.text("提取成功") == b"\x1c&\xcc\xe1\xc8\xa1\xb3\xc9\xb9\xa6\x1c.\n"
    assert protocol.text("No. 12329") == b"No. 12329\n"
    # a rare character outside GBK takes four bytes in GB18030
    assert protocol.text("𠀀") == b"\x1c&\x95\x32\x82\x36\x1c.\n"
    with pytest.raises(ValueError, match="one line"):
        protocol.text("a\nb")


def test_qr_is_the_printers_own_model_2_encoder() -> None:
    assert protocol.qr("https://gjj.example/v/7F3K") == (
        b"\x1d(k\x04\x001A2\x00"
        b"\x1d(k\x03\x001C\x06"
        b"\x1d(k\x03\x001E1"
        b"\x1d(k\x1d\x001P0https://gjj.example/v/7F3K"
        b"\x1d(k\x03\x001Q0"
    )
    with pytest.raises(ValueError, match="module size"):
        protocol.qr("x", module_size=0)


def test_commands() -> None:
    assert protocol.INIT == b"\x1b@"
    assert protocol.align(protocol.Align.CENTER) == b"\x1ba\x01"
    assert protocol.bold(True) == b"\x1bE\x01"
    assert protocol.size(2, 2) == b"\x1d!\x11"
    assert protocol.feed_and_cut() == b"\x1dVB\x04"
    assert protocol.status_request(StatusQuery.PAPER) == b"\x10\x04\x04"
    with pytest.raises(ValueError, match="outside"):
        protocol.size(9, 1)


def test_a_whole_receipt_byte_for_byte() -> None:
    receipt = Receipt("提取回执", (("金额", "¥1,000.00"), ("", "ok")), qr="R1", footer=("12329",))
    assert protocol.encode_receipt(receipt) == (
        b"\x1b@\x1ba\x01\x1bE\x01\x1d!\x11"
        + b"\x1c&" + "提取回执".encode("gb18030") + b"\x1c.\n"
        + b"\x1d!\x00\x1bE\x00\x1ba\x00"
        + b"\x1c&" + "金额：¥1,000.00".encode("gb18030") + b"\x1c.\n"
        + b"ok\n"
        + b"\x1ba\x01" + protocol.qr("R1") + b"\n"
        + b"\x1ba\x01" + b"12329\n"
        + b"\x1dVB\x04"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}, RealtimeStatus()),
        ({1: 0x12, 4: 0x1E}, RealtimeStatus(paper_near_end=True)),
        (
            {1: 0x1A, 2: 0x32, 4: 0x7E},
            RealtimeStatus(offline=True, paper_stop=True, paper_near_end=True, paper_out=True),
        ),
        ({1: 0x1A, 2: 0x16}, RealtimeStatus(offline=True, cover_open=True)),
        ({1: 0x1A, 2: 0x52, 3: 0x1A}, RealtimeStatus(offline=True, error=True, cutter_error=True)),
    ],
)
def test_status_bits(answers: dict[int, int], expected: RealtimeStatus) -> None:
    assert protocol.parse_status({StatusQuery(k): v for k, v in answers.items()}) == expected


def test_noise_is_not_a_status_byte() -> None:
    with pytest.raises(ValueError, match="not an answer"):
        protocol.parse_status({StatusQuery.PAPER: 0x00})


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (RealtimeStatus(), (DeviceStatus.ONLINE, PaperState.FULL, True, ())),
        (RealtimeStatus(paper_near_end=True), (DeviceStatus.ONLINE, PaperState.LOW, True, ())),
        (
            RealtimeStatus(offline=True, paper_out=True),
            (DeviceStatus.OFFLINE, PaperState.OUT, False, (Cause.PAPER_OUT,)),
        ),
        (
            RealtimeStatus(offline=True, cover_open=True),
            (DeviceStatus.USER_ERROR, PaperState.FULL, False, (Cause.COVER_OPEN,)),
        ),
        (RealtimeStatus(offline=True), (DeviceStatus.OFFLINE, PaperState.FULL, False, (Cause.OFFLINE,))),
        (
            RealtimeStatus(cutter_error=True),
            (DeviceStatus.HARDWARE_ERROR, PaperState.FULL, False, (Cause.FAULT,)),
        ),
    ],
)
def test_health(status: RealtimeStatus, expected: tuple[object, ...]) -> None:
    health = protocol.health_of(status)
    assert (health.device, health.paper, health.can_print, health.causes) == expected
