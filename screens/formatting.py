"""Pure formatting for what the screens show (tested without Kivy)."""

from __future__ import annotations

import datetime as dt

from screens.strings import Language, month_name, text


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
