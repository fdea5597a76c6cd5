"""Resident ID numbers (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid(id_number: str) -> bool:
    return bool(_SHAPE.match(id_number)) and check_char(id_number[:17]) == id_number[17]
