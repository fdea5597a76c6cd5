"""Bank card numbers (UnionPay, 16 to 19 digits) with the Luhn check digit."""

from __future__ import annotations

import re

_SHAPE = re.compile(r"^\d{16,19}$")


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these positions sit left of the check digit's neighbour
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def is_valid(card: str) -> bool:
    return bool(_SHAPE.match(card)) and luhn_check_digit(card[:-1]) == card[-1]


def make_card(body: str) -> str:
    return body + luhn_check_digit(body)
