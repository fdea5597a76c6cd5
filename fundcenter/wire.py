"""Field types of the wire contract that pydantic's lax defaults would make too lenient."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator


def _text_only(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("an RFC 3339 timestamp with a UTC offset is required")
    return value


# An RFC 3339 date-time with an offset, as text (not epoch numbers, not naive times).
Timestamp = Annotated[AwareDatetime, BeforeValidator(_text_only)]
