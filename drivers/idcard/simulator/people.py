"""Cards the simulator serves: the demo members and one synthetic card of each kind.

Nobody here is a real person. The demo members come from the reference back end's seed file, so the
card on the simulated reader is a member the demo back end knows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import resources
from pathlib import Path

from drivers.idcard.carddata import CardRecord, CardType

PHOTO_BYTES = 1024


def synthetic_photo(seed: str) -> bytes:
    """1024 bytes standing in for the WLT photo (real ones need the vendor's decoder anyway)."""
    out = bytearray()
    block = seed.encode()
    while len(out) < PHOTO_BYTES:
        block = hashlib.sha256(block).digest()
        out += block
    return b"WLT" + bytes(out[: PHOTO_BYTES - 3])


def _resident(raw: dict[str, str]) -> CardRecord:
    birth = dt.date.fromisoformat(raw["birth_date"])
    issued = dt.date(2018, birth.month, min(birth.day, 28))
    age_at_issue = issued.year - birth.year
    # GA 490: 16-25 years old get 10-year cards, 26-45 20-year, 46 and over 长期 (no expiry).
    years = 10 if age_at_issue < 26 else 20 if age_at_issue < 46 else None
    city = raw["city"]
    return CardRecord(
        card_type=CardType.RESIDENT,
        name=raw["name"],
        gender=raw["gender"],
        nation="汉族",
        birth_date=birth,
        address=f"{city}市人民路{int(raw['id_number'][14:17]) % 200 + 1}号",
        id_number=raw["id_number"],
        issuer=f"{city}市公安局",
        valid_from=issued,
        valid_to=issued.replace(year=issued.year + years) if years else None,
        photo=synthetic_photo(raw["id_number"]),
    )


def demo_cards(path: Path | None = None) -> dict[str, CardRecord]:
    """The demo members' resident cards, by ID number."""
    if path is None:
        text = (resources.files("fundcenter") / "data" / "demo-members.json").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return {m["id_number"]: _resident(m) for m in json.loads(text)["members"]}


def sample_cards() -> dict[str, CardRecord]:
    """One card of each kind (and an expired one), by a short name."""
    resident = next(iter(demo_cards().values()))
    hmt = CardRecord(
        card_type=CardType.HMT_RESIDENCE_PERMIT,
        name="陈嘉欣",
        gender="female",
        birth_date=dt.date(1990, 3, 8),
        address="广东省深圳市福田区福华路88号",
        id_number="810000199003080029",
        issuer="深圳市公安局",
        valid_from=dt.date(2022, 5, 10),
        valid_to=dt.date(2027, 5, 10),
        pass_number="H12345678",  # noqa: S106 (a travel permit number, not a password)
        issue_count=2,
        photo=synthetic_photo("hmt"),
    )
    foreign = CardRecord(
        card_type=CardType.FOREIGN_PERMANENT_RESIDENT,
        name_en="MUELLER, ANNA MARIA",
        name="安娜",
        gender="female",
        birth_date=dt.date(1985, 7, 21),
        id_number="DEU110085072100",
        nationality="DEU",
        valid_from=dt.date(2019, 1, 15),
        valid_to=dt.date(2029, 1, 15),
        card_version="01",
        authority_code="1100",
        photo=synthetic_photo("foreign"),
    )
    expired = CardRecord(
        card_type=CardType.RESIDENT,
        name="王建军",
        gender="male",
        nation="回族",
        birth_date=dt.date(1979, 12, 1),
        address="宁夏回族自治区银川市兴庆区解放东街5号",
        id_number="64010419791201001X",
        issuer="银川市公安局兴庆区分局",
        valid_from=dt.date(2004, 6, 1),
        valid_to=dt.date(2024, 6, 1),
        photo=synthetic_photo("expired"),
    )
    return {"resident": resident, "hmt": hmt, "foreign": foreign, "expired": expired}
