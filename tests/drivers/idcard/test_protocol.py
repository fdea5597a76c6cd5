"""Every vector of the fixtures file, and every status code, through the pure protocol layer."""

from pathlib import Path

import pytest

from drivers.idcard import errors, protocol
from drivers.idcard.protocol import Command, Sw3

FIXTURES = Path(__file__).parent / "fixtures" / "frames.txt"


def vectors() -> dict[str, bytes]:
    found = {}
    for line in FIXTURES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, *hex_parts = line.split()
            found[name] = bytes.fromhex("".join(hex_parts))
    return found


VECTORS = vectors()
REQUESTS = {
    "SAM_RESET_REQ": Command.RESET,
    "SAM_STATUS_REQ": Command.SAM_STATUS,
    "SAM_ID_REQ": Command.SAM_ID,
    "FIND_CARD_REQ": Command.FIND_CARD,
    "SELECT_CARD_REQ": Command.SELECT_CARD,
    "READ_TEXT_PHOTO_REQ": Command.READ_TEXT_PHOTO,
    "READ_NEW_ADDRESS_REQ": Command.READ_NEW_ADDRESS,
    "READ_TEXT_PHOTO_FP_REQ": Command.READ_TEXT_PHOTO_FP,
}
RESPONSES = {
    "SAM_STATUS_OK": (Sw3.OK, b"", None),
    "SAM_SELFTEST_FAILED": (Sw3.SELF_TEST_FAILED, b"", errors.SamFailure),
    "FIND_CARD_OK": (Sw3.CARD_FOUND, bytes(4), None),
    "FIND_CARD_NONE": (Sw3.FIND_CARD_FAILED, b"", errors.NoCard),
    "SELECT_CARD_OK": (Sw3.OK, bytes(8), None),
    "SELECT_CARD_FAILED": (Sw3.SELECT_CARD_FAILED, b"", errors.SelectFailed),
    "READ_FAILED": (Sw3.READ_FAILED, b"", errors.ReadFailed),
    "CARD_AUTH_FAILED": (Sw3.READER_FAILED_TO_AUTHENTICATE_CARD, b"", errors.CardAuthenticationFailed),
}


def test_every_fixture_vector_is_covered() -> None:
    assert set(VECTORS) == set(REQUESTS) | set(RESPONSES)


@pytest.mark.parametrize(("name", "command"), REQUESTS.items())
def test_requests_encode_to_the_fixture_bytes(name: str, command: Command) -> None:
    assert protocol.encode_request(command) == VECTORS[name]
    (payload,) = list(protocol.FrameDecoder().feed(VECTORS[name]))
    assert isinstance(payload, bytes)
    request = protocol.parse_request(payload)
    assert (request.cmd, request.para, request.data) == (command.cmd, command.para, b"")


@pytest.mark.parametrize(("name", "expected"), RESPONSES.items())
def test_responses_decode_to_typed_outcomes(
    name: str, expected: tuple[int, bytes, type[errors.IdCardError] | None]
) -> None:
    sw3, data, error = expected
    (payload,) = list(protocol.FrameDecoder().feed(VECTORS[name]))
    assert isinstance(payload, bytes)
    response = protocol.parse_response(payload)
    assert (response.sw1, response.sw2, response.sw3, response.data) == (0, 0, sw3, data)
    assert protocol.encode_response(sw3, data) == VECTORS[name]
    if error is None:
        assert response.raise_for_status() is response
    else:
        with pytest.raises(error) as info:
            response.raise_for_status()
        assert info.value.sw3 == sw3  # type: ignore[attr-defined]


@pytest.mark.parametrize("sw3", list(Sw3))
def test_every_status_code_has_an_outcome(sw3: Sw3) -> None:
    response = protocol.parse_response(bytes([0, 0, sw3]))
    if sw3 in protocol.SUCCESS:
        assert response.ok
        return
    with pytest.raises(protocol.ERRORS[sw3]) as info:
        response.raise_for_status()
    assert info.value.message_zh
    assert f"0x{sw3:02X}" in str(info.value)


def test_an_unknown_status_is_still_an_error() -> None:
    with pytest.raises(errors.ReaderStatusError, match="0x55: unknown status"):
        protocol.parse_response(bytes([0, 0, 0x55])).raise_for_status()


def test_read_answer_layout_matches_the_fixture_description() -> None:
    blocks = protocol.CardBlocks(bytes(256), bytes(1024))
    frame = protocol.encode_response(Sw3.OK, protocol.encode_card_blocks(blocks, with_fingerprint=False))
    assert len(frame) == 1295
    assert frame[:14] == bytes.fromhex("AAAAAA9669 0508 000090 0100 0400")
    (payload,) = list(protocol.FrameDecoder().feed(frame))
    assert isinstance(payload, bytes)
    parsed = protocol.parse_card_blocks(protocol.parse_response(payload).data, with_fingerprint=False)
    assert parsed == blocks


def test_fingerprint_answer_carries_a_third_length() -> None:
    blocks = protocol.CardBlocks(bytes(256), bytes(1024), b"\x01" * 1024)
    data = protocol.encode_card_blocks(blocks, with_fingerprint=True)
    assert data[:6] == bytes.fromhex("0100 0400 0400")
    assert protocol.parse_card_blocks(data, with_fingerprint=True) == blocks
    empty = protocol.encode_card_blocks(protocol.CardBlocks(bytes(256), bytes(1024)), with_fingerprint=True)
    assert empty[4:6] == b"\x00\x00"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x01\x00", "too short"),
        (bytes.fromhex("0100 0400") + bytes(100), "do not match"),
        (bytes.fromhex("0080 0000") + bytes(128), "expected 256"),
    ],
)
def test_malformed_read_answers(data: bytes, message: str) -> None:
    with pytest.raises(errors.MalformedResponse, match=message):
        protocol.parse_card_blocks(data, with_fingerprint=False)


def test_set_baud_rate_frames() -> None:
    assert protocol.encode_set_baud(9600) == protocol.encode_frame(bytes([0x60, 0x04]))
    with pytest.raises(ValueError, match="unsupported baud rate"):
        protocol.encode_set_baud(12345)
