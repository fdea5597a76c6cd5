"""The one place that masks personal data before it reaches a log line, a staff screen or a report.

Call sites mask what they know (``mask_id_number(card.id_number)``); :func:`scrub` is the safety net
that the log handlers run over every formatted line, catching ID, phone and bank card numbers that
slipped into free text. Names cannot be found in free text, so they must be masked where they are
known (or passed as a context field named ``name``, which the log filter masks by key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum


class Kind(StrEnum):
    ID_NUMBER = "id_number"
    NAME = "name"
    PHONE = "phone"
    BANK_CARD = "bank_card"


def _keep_ends(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id_number(value: str) -> str:
    """``371302198806120029`` -> ``3713**********0029``: region kept, birth date and sequence hidden."""
    return _keep_ends(value.strip(), 4, 4)


def mask_name(value: str) -> str:
    """``林晓雯`` -> ``林**``; ``Alex Lacamoire`` -> ``A*** L********``: the first letter of each part."""
    parts = value.strip().split(" ")
    return " ".join(p[:1] + "*" * (len(p) - 1) for p in parts)


def mask_phone(value: str) -> str:
    """``13812345678`` -> ``138****5678``."""
    digits = value.strip()
    if len(digits) == 11:
        return _keep_ends(digits, 3, 4)
    return _keep_ends(digits, 0, 4)


def mask_bank_card(value: str) -> str:
    """``6222021234567890123`` -> ``6222***********0123``; separators are dropped."""
    return _keep_ends(re.sub(r"[ -]", "", value.strip()), 4, 4)


_MASKERS = {
    Kind.ID_NUMBER: mask_id_number,
    Kind.NAME: mask_name,
    Kind.PHONE: mask_phone,
    Kind.BANK_CARD: mask_bank_card,
}

# Context keys whose values are personal data of a known kind (used by the log filter and reports).
SENSITIVE_KEYS: Mapping[str, Kind] = {
    "id_number": Kind.ID_NUMBER,
    "id_no": Kind.ID_NUMBER,
    "name": Kind.NAME,
    "member_name": Kind.NAME,
    "phone": Kind.PHONE,
    "mobile": Kind.PHONE,
    "bank_card": Kind.BANK_CARD,
    "card_number": Kind.BANK_CARD,
}


def mask(value: str, kind: Kind) -> str:
    return _MASKERS[kind](value)


def mask_fields(fields: Mapping[str, object]) -> dict[str, object]:
    """A copy of ``fields`` with values under sensitive keys masked and every other string scrubbed."""
    out: dict[str, object] = {}
    for key, value in fields.items():
        kind = SENSITIVE_KEYS.get(key)
        if kind is not None and isinstance(value, str):
            out[key] = mask(value, kind)
        elif isinstance(value, str):
            out[key] = scrub(value)
        elif isinstance(value, Mapping):
            out[key] = mask_fields(value)
        else:
            out[key] = value
    return out


_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
# Second-generation resident ID: region (6), birth date (8), sequence (3), check digit or X.
_ID_RE = re.compile(
    _NOT_ALNUM_BEFORE
    + r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    + _NOT_ALNUM_AFTER
)
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d{9}(?!\d)")
# Bank cards (and 15-digit first-generation IDs): 15 to 19 digits, possibly grouped by 4.
_CARD_RE = re.compile(r"(?<!\d)(?:\d{15,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?)(?!\d)")


def scrub(text: str) -> str:
    """Mask every ID, mobile phone and bank card number found in free text.

    It errs on the side of masking: any run of 15 to 19 digits is masked, even inside a longer token.
    """
    text = _ID_RE.sub(lambda m: mask_id_number(m.group()), text)
    text = _CARD_RE.sub(lambda m: mask_bank_card(m.group()), text)
    return _PHONE_RE.sub(lambda m: m.group()[:-11] + mask_phone(m.group()[-11:]), text)
