"""The streaming decoder: noise, partial frames, bad checksums, impossible lengths (tables and properties)."""

from hypothesis import assume, given
from hypothesis import strategies as st

from drivers.idcard import errors, protocol
from drivers.idcard.protocol import PREAMBLE, FrameDecoder

FIND_OK = protocol.encode_response(0x9F, bytes(4))
READ_OK = protocol.encode_response(
    0x90, protocol.encode_card_blocks(protocol.CardBlocks(bytes(range(256)), bytes(1024)), False)
)


def decode(*pieces: bytes) -> list[bytes | errors.FrameError]:
    decoder = FrameDecoder()
    out: list[bytes | errors.FrameError] = []
    for piece in pieces:
        out += list(decoder.feed(piece))
    return out


def frames(items: list[bytes | errors.FrameError]) -> list[bytes]:
    return [item for item in items if isinstance(item, bytes)]


def test_noise_before_a_frame_is_skipped() -> None:
    decoder = FrameDecoder()
    assert frames(list(decoder.feed(b"\x00\x13\xff\xaa\x96" + FIND_OK))) == [FIND_OK[7:-1]]
    assert decoder.noise_bytes == 5


def test_a_frame_arriving_byte_by_byte() -> None:
    decoder = FrameDecoder()
    out = []
    for i in range(len(READ_OK)):
        out += list(decoder.feed(READ_OK[i : i + 1]))
        if i < len(READ_OK) - 1:
            assert out == []
    assert out == [READ_OK[7:-1]]


def test_bad_checksum_is_reported_and_the_next_frame_still_comes() -> None:
    corrupt = FIND_OK[:-1] + bytes([FIND_OK[-1] ^ 1])
    out = decode(corrupt + FIND_OK)
    assert isinstance(out[0], errors.ChecksumMismatch)
    assert frames(out) == [FIND_OK[7:-1]]


def test_impossible_lengths_are_rejected() -> None:
    for length in (0, 1, 2, protocol.MAX_LENGTH + 1, 0xFFFF):
        out = decode(PREAMBLE + length.to_bytes(2, "big") + b"\x00" * 4 + FIND_OK)
        assert isinstance(out[0], errors.ImpossibleLength)
        assert frames(out) == [FIND_OK[7:-1]]


def test_a_fake_header_cannot_hold_back_a_real_frame() -> None:
    # "AA AA AA 96 69 05 00" announces 1280 bytes that never come; the real frame follows at once.
    out = decode(PREAMBLE + b"\x05\x00\x12" + FIND_OK)
    assert frames(out) == [FIND_OK[7:-1]]


def test_a_partial_preamble_at_the_end_is_kept() -> None:
    decoder = FrameDecoder()
    assert list(decoder.feed(b"\x01\x02" + FIND_OK[:3])) == []
    assert list(decoder.feed(FIND_OK[3:])) == [FIND_OK[7:-1]]


noise = st.binary(max_size=300)
payloads = st.binary(min_size=2, max_size=400)


@given(st.lists(st.binary(max_size=64), max_size=20))
def test_random_bytes_yield_only_valid_frames_or_frame_errors(chunks: list[bytes]) -> None:
    decoder = FrameDecoder()
    for chunk in chunks:
        for item in decoder.feed(chunk):
            if isinstance(item, bytes):
                assert protocol.MIN_LENGTH <= len(item) + 1 <= protocol.MAX_LENGTH
            else:
                assert isinstance(item, errors.FrameError)


@given(garbage=noise, payload=payloads, cut=st.integers(min_value=0, max_value=2000))
def test_a_valid_frame_after_garbage_is_never_lost(garbage: bytes, payload: bytes, cut: int) -> None:
    assume(PREAMBLE not in garbage)
    frame = protocol.encode_frame(payload)
    stream = garbage + frame
    cut = min(cut, len(stream))
    out = decode(stream[:cut], stream[cut:])
    assert frames(out) == [payload]


@given(garbage=noise, payload=payloads, length=st.integers(0, 0xFFFF), filler=st.binary(max_size=20))
def test_a_frame_behind_a_fake_header_is_never_lost(
    garbage: bytes, payload: bytes, length: int, filler: bytes
) -> None:
    """A header in the garbage that announces an impossible length, or more bytes than ever arrive,
    cannot swallow the real frame that follows it."""
    assume(PREAMBLE not in garbage and PREAMBLE not in filler)
    frame = protocol.encode_frame(payload)
    fake = PREAMBLE + length.to_bytes(2, "big") + filler
    announced_end = len(garbage) + protocol.HEADER_SIZE + length
    stream = garbage + fake + frame
    assume(not protocol.MIN_LENGTH <= length <= protocol.MAX_LENGTH or announced_end > len(stream))
    assert frames(decode(stream)) == [payload]


@given(st.lists(payloads, min_size=1, max_size=5), st.lists(noise, min_size=5, max_size=5))
def test_frames_interleaved_with_noise_all_arrive_in_order(
    payload_list: list[bytes], gaps: list[bytes]
) -> None:
    for gap in gaps:
        assume(PREAMBLE not in gap)
    stream = b"".join(gap + protocol.encode_frame(p) for gap, p in zip(gaps, payload_list, strict=False))
    assert frames(decode(stream)) == payload_list
