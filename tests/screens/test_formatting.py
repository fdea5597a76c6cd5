"""What the screens print and how the number pads edit (pure functions, no Kivy)."""

import pytest

from screens.formatting import amount_entry, card_entry, fen_of, grouped, typed_of, yuan


def type_keys(keys: list[str], edit: object = amount_entry) -> str:
    typed = ""
    for key in keys:
        typed = edit(typed, key)  # type: ignore[operator]
    return typed


@pytest.mark.parametrize(
    ("keys", "typed", "fen"),
    [
        (["1", "5", "0", "0"], "1500", 150000),
        (["1", ".", "5"], "1.5", 150),
        (["0", "0", "7"], "0", 0),  # no leading zeros
        ([".", "5", "0", "1"], "0.50", 50),  # a third decimal is ignored
        (["1", ".", ".", "2"], "1.2", 120),
        (["9"] * 12, "9" * 9, 99999999900),  # at most nine whole digits
        (["1", "2", "del"], "1", 100),
        (["1", "2", "clear", "3"], "3", 300),
    ],
)
def test_amount_pad(keys: list[str], typed: str, fen: int) -> None:
    assert type_keys(keys) == typed
    assert fen_of(typed) == fen


def test_amounts_round_trip_through_the_entry() -> None:
    for fen in (0, 1, 10, 99, 100, 150000, 123456789):
        assert fen_of(typed_of(fen)) == fen
    assert typed_of(None) == ""
    assert fen_of("") is None
    assert fen_of("1.2.3") is None


def test_bank_card_pad_and_read_back() -> None:
    digits = type_keys(list("62220202000000000191234"), card_entry)
    assert digits == "6222020200000000019"  # 19 digits at most
    assert type_keys(["6", ".", "2", "del"], card_entry) == "6"
    assert grouped(digits) == "6222 0202 0000 0000 019"


def test_money_in_both_languages() -> None:
    assert yuan(8650432) == "86,504.32 元"
    assert yuan(8650432, "en") == "CNY 86,504.32"
    assert yuan(-120000) == "-1,200.00 元"
    assert yuan(5) == "0.05 元"
