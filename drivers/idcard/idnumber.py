"""Citizen identification numbers (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
# Foreign permanent resident card, 2017 edition: 3 letters (nationality) + 12 digits.
_FOREIGN_2017 = re.compile(r"^[A-Z]{3}\d{12}$")


def check_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid_id_number(value: str) -> bool:
    """18 characters whose last is the MOD 11-2 check of the first 17 (resident, HMT and 2023 foreign)."""
    return bool(_SHAPE.match(value)) and check_char(value[:17]) == value[17]


def is_valid_foreign_card_number(value: str) -> bool:
    return bool(_FOREIGN_2017.match(value)) or is_valid_id_number(value)
