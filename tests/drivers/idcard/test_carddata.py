import datetime as dt

import pytest

from drivers.idcard import errors
from drivers.idcard.carddata import CardRecord, CardType, Validity, encode_text, parse_new_address, parse_text
from drivers.idcard.idnumber import is_valid_foreign_card_number, is_valid_id_number
from drivers.idcard.simulator.people import demo_cards, sample_cards
from drivers.idcard.tables import GENDERS, NATIONS

CARDS = sample_cards()
# The keys `kiosk-provision read-card --json` promises (the issue lists them).
JSON_KEYS = {
    "card_type",
    "name",
    "name_en",
    "gender",
    "nation",
    "birth_date",
    "address",
    "id_number",
    "id_number_valid",
    "issuer",
    "valid_from",
    "valid_to",
    "pass_number",
    "issue_count",
    "nationality",
    "photo_bytes",
}


@pytest.mark.parametrize("kind", ["resident", "hmt", "foreign", "expired"])
def test_every_kind_round_trips_through_the_256_byte_block(kind: str) -> None:
    card = CARDS[kind]
    block = encode_text(card)
    assert len(block) == 256
    assert parse_text(block) == card.with_photo(b"")


def test_kind_marker_and_layouts() -> None:
    hmt = encode_text(CARDS["hmt"])
    assert hmt[248:250].decode("utf-16-le") == "J"
    assert hmt[220:238].decode("utf-16-le") == "H12345678"
    assert hmt[238:242].decode("utf-16-le") == "02"
    foreign = encode_text(CARDS["foreign"])
    assert foreign[248:250].decode("utf-16-le") == "I"
    assert foreign[152:158].decode("utf-16-le") == "DEU"
    assert foreign[0:120].decode("utf-16-le").rstrip() == "MUELLER, ANNA MARIA"
    resident = encode_text(CARDS["resident"])
    assert resident[32:36].decode("utf-16-le") == "01"
    assert resident[0:30].decode("utf-16-le").rstrip() == "林晓雯"


def test_parsed_fields_of_a_resident_card() -> None:
    card = parse_text(encode_text(CARDS["resident"]))
    assert card.card_type is CardType.RESIDENT
    assert card.nation == "汉族"
    assert card.gender == "female"
    assert card.birth_date == dt.date(1988, 6, 12)
    assert card.id_number_valid


def test_no_expiry_is_none() -> None:
    elderly = demo_cards()["50011219560220007X"]
    assert elderly.valid_to is None
    block = encode_text(elderly)
    assert block[204:220].decode("utf-16-le").rstrip() == "长期"
    assert parse_text(block).valid_to is None
    assert parse_text(block).validity(dt.date(2090, 1, 1)) is Validity.VALID


def test_validity_against_today() -> None:
    assert CARDS["expired"].validity(dt.date(2026, 11, 28)) is Validity.EXPIRED
    assert CARDS["hmt"].validity(dt.date(2026, 11, 28)) is Validity.VALID
    assert CARDS["hmt"].validity(dt.date(2021, 1, 1)) is Validity.NOT_YET_VALID


def test_tables() -> None:
    assert len(NATIONS) == 58
    assert NATIONS["01"] == "汉族"
    assert NATIONS["56"] == "基诺族"
    assert NATIONS["97"] == "其他"
    assert NATIONS["98"] == "外国血统中国籍人士"
    assert GENDERS == {"0": "unknown", "1": "male", "2": "female", "9": "unstated"}


@pytest.mark.parametrize(
    ("code", "gender"), [("0", "unknown"), ("1", "male"), ("2", "female"), ("9", "unstated")]
)
def test_gender_codes(code: str, gender: str) -> None:
    block = bytearray(encode_text(CARDS["resident"]))
    block[30:32] = code.encode("utf-16-le")
    assert parse_text(bytes(block)).gender == gender


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("371302198806120029", True),
        ("50011219560220007X", True),
        ("50011219560220007x", False),
        ("371302198806120028", False),
        ("37130219880612002", False),
        ("810000199003080029", True),
    ],
)
def test_id_numbers(number: str, valid: bool) -> None:
    assert is_valid_id_number(number) is valid


def test_foreign_card_numbers() -> None:
    assert is_valid_foreign_card_number("DEU110085072100")
    assert not is_valid_foreign_card_number("DE1110085072100")
    assert CARDS["foreign"].id_number_valid


def test_a_bad_date_is_a_malformed_answer() -> None:
    block = bytearray(encode_text(CARDS["resident"]))
    block[36:52] = "19881312".encode("utf-16-le")
    with pytest.raises(errors.MalformedResponse, match="birth date"):
        parse_text(bytes(block))


def test_broken_ucs2_and_wrong_size() -> None:
    block = bytearray(encode_text(CARDS["resident"]))
    block[0:2] = b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(errors.MalformedResponse, match="UCS-2"):
        parse_text(bytes(block))
    with pytest.raises(errors.MalformedResponse, match="expected 256"):
        parse_text(bytes(200))


def test_new_address() -> None:
    assert (
        parse_new_address("北京市朝阳区".encode("utf-16-le") + " ".encode("utf-16-le") * 29) == "北京市朝阳区"
    )


def test_json_keys_for_technicians() -> None:
    keys = JSON_KEYS
    for card in CARDS.values():
        assert set(card.as_json()) == keys
    assert CARDS["foreign"].as_json()["nationality"] == "DEU"
    assert CARDS["hmt"].as_json()["issue_count"] == 2


def test_demo_cards_are_the_demo_members() -> None:
    cards = demo_cards()
    assert len(cards) == 6
    assert all(isinstance(c, CardRecord) and c.id_number_valid for c in cards.values())
    assert all(len(c.photo) == 1024 for c in cards.values())
