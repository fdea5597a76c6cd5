"""Pure formatting for what the screens show (tested without Kivy)."""

from __future__ import annotations

import datetime as dt
import re

from screens.strings import Language, month_name, text

MAX_AMOUNT_DIGITS = 9  # up to 9,999,999.99 yuan: more than any balance


def clock_text(now: dt.datetime) -> str:
    return f"{now:%H:%M}"


def date_text(now: dt.datetime | dt.date, language: Language = "zh") -> str:
    return text(
        "date",
        language,
        year=now.year,
        month=now.month,
        month_name=month_name(now.month),
        day=now.day,
        weekday=text(f"weekday.{now.weekday()}", language),
    )


def yuan(fen: int, language: Language = "zh") -> str:
    """``8650432`` -> ``86,504.32 元`` (``CNY 86,504.32`` in English)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    number = f"{sign}{whole:,}.{cents:02d}"
    return f"{number} 元" if language == "zh" else f"CNY {number}"


def amount_entry(typed: str, key: str) -> str:
    """The amount a member is typing after one more key (``0``-``9``, ``.``, ``del``, ``clear``).

    At most two decimals and :data:`MAX_AMOUNT_DIGITS` whole digits; no leading zeros; keys that would
    make it wrong are ignored."""
    if key == "clear":
        return ""
    if key == "del":
        return typed[:-1]
    candidate = "0." if key == "." and not typed else typed + key
    if not re.fullmatch(rf"(0|[1-9]\d{{0,{MAX_AMOUNT_DIGITS - 1}}})(\.\d{{0,2}})?", candidate):
        return typed
    return candidate


def fen_of(typed: str) -> int | None:
    """``"1200.5"`` -> ``120050``; None for nothing or a wrong amount."""
    match = re.fullmatch(r"(\d+)(?:\.(\d{0,2}))?", typed)
    if match is None:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))


def typed_of(fen: int | None) -> str:
    """The entry that shows ``fen`` (for a screen rebuilt while an amount was entered)."""
    if fen is None:
        return ""
    whole, cents = divmod(fen, 100)
    return f"{whole}" if cents == 0 else f"{whole}.{cents:02d}".rstrip("0")


def card_entry(typed: str, key: str, limit: int = 19) -> str:
    """The bank card digits after one more key; at most ``limit`` digits (UnionPay cards have 16-19)."""
    if key == "clear":
        return ""
    if key == "del":
        return typed[:-1]
    return typed + key if key.isdigit() and len(typed) < limit else typed


def grouped(digits: str) -> str:
    """``6222021234567890123`` -> ``6222 0212 3456 7890 123`` (read back in groups of four)."""
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
