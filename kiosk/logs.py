"""Structured logging: JSON lines in production, readable lines in a terminal, personal data masked.

Context goes in ``extra={"ctx": {...}}``; values under personal keys (``id_number``, ``name``, …) are
masked by kind, and every finished line is scrubbed for ID, phone and bank card numbers.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections import deque
from datetime import UTC, datetime
from typing import IO, Any, Literal

from kiosk.masking import mask_fields, scrub

LogFormat = Literal["json", "text"]
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()) | {"message", "asctime"}


def _context(record: logging.LogRecord) -> dict[str, object]:
    ctx = getattr(record, "ctx", None)
    fields: dict[str, object] = dict(ctx) if isinstance(ctx, dict) else {}
    for key, value in vars(record).items():
        if key not in _RESERVED and key != "ctx":
            fields[key] = value
    return mask_fields(fields)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts (UTC, ISO 8601), level, logger, msg, context fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(_context(record))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """``06:47:01 INFO  kiosk.app: message  key=value`` for people at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}"
        ctx = _context(record)
        if ctx:
            line += "  " + " ".join(f"{k}={v}" for k, v in ctx.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return scrub(line)


class RecentLines(logging.Handler):
    """The last ``capacity`` lines in memory, masked like every other line, for the maintenance
    screen's log tail (nothing is written anywhere)."""

    def __init__(self, capacity: int = 200) -> None:
        super().__init__()
        self.setFormatter(TextFormatter())
        self._lines: deque[str] = deque(maxlen=capacity)
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record).split("\n", 1)[0]  # a traceback stays in the journal
        except (ValueError, TypeError, KeyError):  # a bad record must not break logging
            self.handleError(record)
            return
        with self._guard:
            self._lines.append(line)

    def tail(self, count: int = 50) -> list[str]:
        with self._guard:
            return list(self._lines)[-count:] if count > 0 else []


RECENT = RecentLines()


def configure_logging(fmt: LogFormat = "json", level: str = "INFO", stream: IO[str] | None = None) -> None:
    """Route every logger (ours, Kivy's, uvicorn's) through one masking handler on the root logger,
    and keep the recent lines in memory (:data:`RECENT`) for the maintenance screen."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.addHandler(RECENT)
    root.setLevel(level)
