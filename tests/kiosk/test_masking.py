import pytest

from kiosk.masking import (
    Kind,
    mask,
    mask_bank_card,
    mask_fields,
    mask_id_number,
    mask_name,
    mask_phone,
    scrub,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("371302198806120029", "3713**********0029"),
        ("50011219560220007X", "5001**********007X"),
        ("1234", "****"),
    ],
)
def test_id_number(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("林晓雯", "林**"), ("欧阳振华", "欧***"), ("何", "何"), ("Alex Lacamoire", "A*** L********")],
)
def test_name(value: str, masked: str) -> None:
    assert mask_name(value) == masked


def test_phone_and_bank_card() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-12329") == "*****2329"
    assert mask_bank_card("6222 0212 3456 7890 123") == "6222***********0123"
    assert mask(" 6222021234567890123 ", Kind.BANK_CARD) == "6222***********0123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card read 371302198806120029 ok", "card read 3713**********0029 ok"),
        ("id=50011219560220007x;", "id=5001**********007x;"),
        ("call 13812345678 or +86 13912345678", "call 138****5678 or +86 139****5678"),
        ("card 6222021234567890123 used", "card 6222***********0123 used"),
        ("card 6222 0212 3456 7890 used", "card 6222********7890 used"),
        ("old id 110105650101123", "old id 1101*******1123"),
        # errs on the side of masking: a long digit run inside a token is masked too
        ("ref abc371302198806120029def", "ref abc3713**********0029def"),
    ],
)
def test_scrub_finds_numbers_in_free_text(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "took 1732771200123 ms",  # 13-digit epoch millis
        "at 2026-11-28T06:47:01.123+00:00",
        "balance 8650432 fen",
        "request 5f0c3a1e-9b2d-4c1a-8e7f-0123456789ab",
        "HTTP 503 after 3 retries, 12329 hotline",
    ],
)
def test_scrub_leaves_other_numbers_alone(text: str) -> None:
    assert scrub(text) == text


def test_mask_fields_masks_by_key_and_scrubs_the_rest() -> None:
    fields = {
        "name": "林晓雯",
        "id_number": "371302198806120029",
        "note": "phone 13812345678",
        "nested": {"member_name": "欧阳振华"},
        "amount_fen": 120000,
    }
    assert mask_fields(fields) == {
        "name": "林**",
        "id_number": "3713**********0029",
        "note": "phone 138****5678",
        "nested": {"member_name": "欧***"},
        "amount_fen": 120000,
    }
