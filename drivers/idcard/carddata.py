"""The 256-byte text block of the three card kinds, to and from a typed record.

Text is UCS-2 little-endian, space padded. Byte 248-249 holds the kind: 'J' for a Hong Kong, Macau
or Taiwan residence permit, 'I' for a foreign permanent resident card (2017 layout), anything else
for a resident ID card.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from drivers.idcard import errors
from drivers.idcard.idnumber import is_valid_foreign_card_number, is_valid_id_number
from drivers.idcard.tables import GENDER_CODES, GENDERS, NATION_CODES, NATIONS

TEXT_SIZE = 256
NO_EXPIRY = "长期"


class CardType(StrEnum):
    RESIDENT = "resident"
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"


class Validity(StrEnum):
    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CardRecord:
    card_type: CardType
    name: str
    gender: str  # male, female, unknown, unstated
    birth_date: dt.date | None
    id_number: str
    valid_from: dt.date | None
    valid_to: dt.date | None  # None: 长期, no expiry
    address: str = ""
    issuer: str = ""
    nation: str | None = None
    name_en: str | None = None
    nationality: str | None = None  # ISO 3166 alpha-3 (foreign cards)
    pass_number: str | None = None  # HMT residence permits
    issue_count: int | None = None
    card_version: str | None = None  # foreign cards
    authority_code: str | None = None  # foreign cards
    photo: bytes = field(default=b"", repr=False)  # raw WLT, 1024 bytes on real cards
    fingerprint: bytes = field(default=b"", repr=False)

    @property
    def id_number_valid(self) -> bool:
        if self.card_type is CardType.FOREIGN_PERMANENT_RESIDENT:
            return is_valid_foreign_card_number(self.id_number)
        return is_valid_id_number(self.id_number)

    def validity(self, today: dt.date) -> Validity:
        if self.valid_from is not None and today < self.valid_from:
            return Validity.NOT_YET_VALID
        if self.valid_to is not None and today > self.valid_to:
            return Validity.EXPIRED
        return Validity.VALID

    def with_photo(self, photo: bytes, fingerprint: bytes = b"") -> CardRecord:
        return replace(self, photo=photo, fingerprint=fingerprint)

    def as_json(self) -> dict[str, Any]:
        """The technician's view (``kiosk-provision read-card --json``): personal data in full."""
        return {
            "card_type": self.card_type.value,
            "name": self.name,
            "name_en": self.name_en,
            "gender": self.gender,
            "nation": self.nation,
            "birth_date": _iso(self.birth_date),
            "address": self.address,
            "id_number": self.id_number,
            "id_number_valid": self.id_number_valid,
            "issuer": self.issuer,
            "valid_from": _iso(self.valid_from),
            "valid_to": _iso(self.valid_to),
            "pass_number": self.pass_number,
            "issue_count": self.issue_count,
            "nationality": self.nationality,
            "photo_bytes": len(self.photo),
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# -- decoding ------------------------------------------------------------------------------------
def _field(text: bytes, offset: int, size: int) -> str:
    return text[offset : offset + size].decode("utf-16-le", errors="strict").rstrip(" \x00")


def _date(value: str, what: str, allow_no_expiry: bool = False) -> dt.date | None:
    if allow_no_expiry and value == NO_EXPIRY:
        return None
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise errors.MalformedResponse(f"{what} is not a date: {value!r}") from None


def _gender(code: str) -> str:
    return GENDERS.get(code, "unknown")


def parse_text(text: bytes) -> CardRecord:
    if len(text) != TEXT_SIZE:
        raise errors.MalformedResponse(f"text block of {len(text)} bytes, expected {TEXT_SIZE}")
    try:
        kind = _field(text, 248, 2)
        if kind == "I":
            return _parse_foreign(text)
        return _parse_resident(text, hmt=kind == "J")
    except UnicodeDecodeError as exc:
        raise errors.MalformedResponse(f"text block is not UCS-2: {exc.reason}") from None


def _parse_resident(text: bytes, hmt: bool) -> CardRecord:
    nation_code = _field(text, 32, 4)
    issue_count = _field(text, 238, 4) if hmt else ""
    return CardRecord(
        card_type=CardType.HMT_RESIDENCE_PERMIT if hmt else CardType.RESIDENT,
        name=_field(text, 0, 30),
        gender=_gender(_field(text, 30, 2)),
        nation=None if hmt else NATIONS.get(nation_code),
        birth_date=_date(_field(text, 36, 16), "birth date"),
        address=_field(text, 52, 70),
        id_number=_field(text, 122, 36),
        issuer=_field(text, 158, 30),
        valid_from=_date(_field(text, 188, 16), "valid-from date"),
        valid_to=_date(_field(text, 204, 16), "valid-to date", allow_no_expiry=True),
        pass_number=_field(text, 220, 18) if hmt else None,
        issue_count=int(issue_count) if issue_count.isdigit() else None,
    )


def _parse_foreign(text: bytes) -> CardRecord:
    return CardRecord(
        card_type=CardType.FOREIGN_PERMANENT_RESIDENT,
        name_en=_field(text, 0, 120),
        gender=_gender(_field(text, 120, 2)),
        id_number=_field(text, 122, 30),
        nationality=_field(text, 152, 6) or None,
        name=_field(text, 158, 30),
        valid_from=_date(_field(text, 188, 16), "valid-from date"),
        valid_to=_date(_field(text, 204, 16), "valid-to date", allow_no_expiry=True),
        birth_date=_date(_field(text, 220, 16), "birth date"),
        card_version=_field(text, 236, 4) or None,
        authority_code=_field(text, 240, 8) or None,
    )


def parse_new_address(data: bytes) -> str:
    """The newest address appended by the police station (read-newest-address answer)."""
    try:
        return data.decode("utf-16-le").rstrip(" \x00")
    except UnicodeDecodeError as exc:
        raise errors.MalformedResponse(f"address is not UCS-2: {exc.reason}") from None


# -- encoding (the simulator, fixtures and tests write cards the way the chip holds them) ----------
def _put(block: bytearray, offset: int, size: int, value: str) -> None:
    raw = value.encode("utf-16-le")
    if len(raw) > size:
        raise ValueError(f"{value!r} does not fit {size} bytes")
    block[offset : offset + size] = raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)


def _ymd(value: dt.date | None, no_expiry: bool = False) -> str:
    if value is None:
        return NO_EXPIRY if no_expiry else ""
    return value.strftime("%Y%m%d")


def encode_text(record: CardRecord) -> bytes:
    block = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    gender = GENDER_CODES.get(record.gender, "0")
    if record.card_type is CardType.FOREIGN_PERMANENT_RESIDENT:
        _put(block, 0, 120, record.name_en or "")
        _put(block, 120, 2, gender)
        _put(block, 122, 30, record.id_number)
        _put(block, 152, 6, record.nationality or "")
        _put(block, 158, 30, record.name)
        _put(block, 188, 16, _ymd(record.valid_from))
        _put(block, 204, 16, _ymd(record.valid_to, no_expiry=True))
        _put(block, 220, 16, _ymd(record.birth_date))
        _put(block, 236, 4, record.card_version or "")
        _put(block, 240, 8, record.authority_code or "")
        _put(block, 248, 2, "I")
        return bytes(block)
    _put(block, 0, 30, record.name)
    _put(block, 30, 2, gender)
    if record.card_type is CardType.RESIDENT:
        _put(block, 32, 4, NATION_CODES.get(record.nation or "", "97") if record.nation else "")
    _put(block, 36, 16, _ymd(record.birth_date))
    _put(block, 52, 70, record.address)
    _put(block, 122, 36, record.id_number)
    _put(block, 158, 30, record.issuer)
    _put(block, 188, 16, _ymd(record.valid_from))
    _put(block, 204, 16, _ymd(record.valid_to, no_expiry=True))
    if record.card_type is CardType.HMT_RESIDENCE_PERMIT:
        _put(block, 220, 18, record.pass_number or "")
        _put(block, 238, 4, f"{record.issue_count:02d}" if record.issue_count is not None else "")
        _put(block, 248, 2, "J")
    return bytes(block)
