"""``kiosk-provision read-card``: wait for a card on a reader, read it, print it.

Exit codes: 0 read; 3 the reader cannot be opened; 4 no card within the timeout; 5 the reader is
silent or its answers are garbled; 6 the card is there but cannot be read. Always one clear line.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from drivers.idcard import errors
from drivers.idcard.carddata import CardRecord
from drivers.idcard.device import IdCardReader
from kiosk.masking import mask_id_number, mask_name

POLL_INTERVAL_S = 0.2


def wait_and_read(reader: IdCardReader, timeout_s: float) -> CardRecord:
    deadline = time.monotonic() + timeout_s
    while not reader.find_card():
        if time.monotonic() >= deadline:
            raise errors.NoCard(0x80, "no card on the reader")
        time.sleep(POLL_INTERVAL_S)
    reader.select_card()
    return reader.read_card()


def _table(record: CardRecord) -> str:
    validity = record.validity(dt.date.today()).value
    rows = [
        ("card type", record.card_type.value),
        ("name", mask_name(record.name)),
        ("gender", record.gender),
        (
            "id number",
            f"{mask_id_number(record.id_number)} ({'valid' if record.id_number_valid else 'INVALID'})",
        ),
        ("valid", f"{record.valid_from} to {record.valid_to or '长期'} ({validity})"),
        ("photo", f"{len(record.photo)} bytes (WLT)"),
    ]
    if record.name_en:
        rows.insert(2, ("name (en)", mask_name(record.name_en)))
    return "\n".join(f"{k:>10}: {v}" for k, v in rows)


def _fail(code: int, line: str) -> int:
    print(f"read-card: {line}", file=sys.stderr)
    return code


def read_card_command(port: str, timeout_s: float, as_json: bool, baudrate: int) -> int:
    reader = IdCardReader(port, baudrate=baudrate)
    try:
        reader.open()
        record = wait_and_read(reader, timeout_s)
    except errors.ReaderUnavailable as exc:
        return _fail(3, str(exc))
    except errors.NoCard:
        return _fail(4, f"no card on the reader within {timeout_s:g} s")
    except (errors.ReaderTimeout, errors.FrameError) as exc:
        return _fail(5, f"the reader at {port} does not answer properly: {exc}")
    except errors.SamFailure as exc:
        return _fail(5, f"the reader's security module failed: {exc}")
    except errors.IdCardError as exc:
        return _fail(6, f"the card could not be read: {exc}")
    finally:
        reader.close()
    print(json.dumps(record.as_json(), ensure_ascii=False) if as_json else _table(record))
    return 0
