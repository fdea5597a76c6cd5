"""``fundcenter seed``: the demo members (always) and a synthetic population (for load tests).

Idempotent: a member whose ID number is already stored is left as it is. Synthetic people are
deterministic for a given ``rng_seed`` and carry valid ID numbers; none is a real person.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from fundcenter.bankcard import make_card
from fundcenter.idnumber import check_char
from fundcenter.models import LedgerEntry, Member

_REGIONS = (
    ("110105", "北京"),
    ("310104", "上海"),
    ("440305", "深圳"),
    ("510107", "成都"),
    ("330106", "杭州"),
    ("420106", "武汉"),
    ("371302", "临沂"),
    ("500112", "重庆"),
    ("610302", "宝鸡"),
    ("320106", "南京"),
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅海燕晓东雪婷宇浩然子轩欣怡一鸣"
_TRADES = (
    "科技有限公司",
    "建设集团有限公司",
    "商贸有限公司",
    "医院",
    "中学",
    "物流有限公司",
    "机械厂",
    "银行支行",
)
_BATCH = 2000


@dataclass(frozen=True, slots=True)
class SeedReport:
    demo_added: int
    synthetic_added: int
    skipped: int


def _rate_bp(rate: float) -> int:
    return round(rate * 10000)


def load_demo_members() -> list[dict[str, Any]]:
    text = (resources.files("fundcenter") / "data" / "demo-members.json").read_text("utf-8")
    members: list[dict[str, Any]] = json.loads(text)["members"]
    return members


def load_reference_faces() -> dict[str, list[float]]:
    """The demo members' face encodings, made once from the fixture photos (scripts/make-reference-faces)."""
    text = (resources.files("fundcenter") / "data" / "reference-faces.json").read_text("utf-8")
    faces: dict[str, list[float]] = json.loads(text)["faces"]
    return faces


def _demo_member(index: int, raw: dict[str, Any]) -> Member:
    birth = dt.date.fromisoformat(raw["birth_date"])
    open_year = max(birth.year + 22, 1992)
    return Member(
        id_number=raw["id_number"],
        name=raw["name"],
        gender=raw["gender"],
        birth_date=birth,
        phone=f"1380000{index:04d}",
        city=raw["city"],
        employer_name=raw["employer"],
        unit_account=f"10{index:010d}",
        personal_account=f"90{index:010d}",
        open_date=dt.date(open_year, 7, 1),
        status=raw["account_status"],
        sealed_since=dt.date.fromisoformat(raw["sealed_since"]) if raw.get("sealed_since") else None,
        loan_status=raw.get("loan", "none"),
        balance_fen=int(raw["balance_fen"]),
        contribution_base_fen=int(raw["contribution_base_fen"]),
        employer_rate_bp=_rate_bp(raw["employer_rate"]),
        personal_rate_bp=_rate_bp(raw["personal_rate"]),
        paid_up_to=raw["paid_up_to"],
        bank_card=make_card(f"62220202{index:010d}"),
        reference_face=raw["face"],
        reference_encoding=json.dumps(load_reference_faces().get(raw["face"])) if raw.get("face") else None,
    )


def _months_back(paid_up_to: str, count: int) -> list[str]:
    year, month = (int(p) for p in paid_up_to.split("-"))
    periods = []
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


def demo_history(member: Member) -> list[LedgerEntry]:
    """The last twelve monthly deposits and the last annual interest (30 June), ending at the balance."""
    if member.status == "closed" or member.balance_fen <= 0:
        return []
    monthly = member.monthly_amount_fen
    moves: list[tuple[dt.datetime, str, int, str | None, str]] = []
    for period in _months_back(member.paid_up_to, 12):
        year, month = (int(p) for p in period.split("-"))
        booked = dt.datetime(year, month, 15, 2, 0, tzinfo=dt.UTC)
        moves.append((booked, "deposit", monthly, period, f"{period} 汇缴"))
    first = moves[0][0]
    interest_year = first.year if first.month <= 6 else first.year + 1
    interest_at = dt.datetime(interest_year, 6, 30, 16, 0, tzinfo=dt.UTC)
    moves.append((interest_at, "interest", member.balance_fen * 150 // 10000 // 2, None, "年度结息"))
    moves.sort(key=lambda m: m[0])
    balance = member.balance_fen - sum(m[2] for m in moves)
    entries = []
    for booked, kind, amount, paid_period, memo in moves:
        balance += amount
        entries.append(
            LedgerEntry(
                member_id=member.id,
                kind=kind,
                amount_fen=amount,
                balance_after_fen=balance,
                booked_at=booked,
                period=paid_period,
                memo=memo,
            )
        )
    return entries


def synthetic_members(count: int, rng_seed: int = 12329, first_account: int = 0) -> Iterator[Member]:
    rng = random.Random(rng_seed)
    today = dt.date.today()
    for n in range(count):
        region, city = rng.choice(_REGIONS)
        birth = dt.date(rng.randint(1962, 2003), rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.5
        sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
        first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        status = rng.choices(("normal", "sealed", "closed"), weights=(85, 12, 3))[0]
        base = rng.randrange(2_400_00, 35_000_00, 100)
        rate = rng.choice((500, 800, 1000, 1200))
        open_date = dt.date(max(birth.year + 20, 1995), rng.randint(1, 12), 1)
        months_paid = max(1, (today.year - open_date.year) * 12 + today.month - open_date.month)
        paid_to = today.replace(day=1) - dt.timedelta(days=1)
        sealed_since = None
        if status != "normal":
            sealed_since = today - dt.timedelta(days=rng.randint(30, 2000))
            paid_to = sealed_since.replace(day=1) - dt.timedelta(days=1)
        balance = 0 if status == "closed" else base * 2 * rate // 10000 * min(months_paid, 120) // 3
        yield Member(
            id_number=first17 + check_char(first17),
            name=rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2)))),
            gender="male" if male else "female",
            birth_date=birth,
            phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            city=city,
            employer_name=city + rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_TRADES),
            unit_account=f"{rng.randrange(10**11, 10**12)}",
            personal_account=f"8{first_account + n:011d}",
            open_date=open_date,
            status=status,
            sealed_since=sealed_since,
            loan_status=rng.choices(("none", "active", "settled"), weights=(70, 20, 10))[0],
            balance_fen=balance,
            contribution_base_fen=0 if status == "closed" else base,
            employer_rate_bp=rate,
            personal_rate_bp=rate,
            paid_up_to=f"{paid_to:%Y-%m}",
            bank_card=make_card(f"621700{first_account + n:012d}"),
            reference_face=None,
        )


def seed(engine: Engine, synthetic: int = 0, rng_seed: int = 12329) -> SeedReport:
    demo_added = synthetic_added = skipped = 0
    with Session(engine) as session:
        known = set(session.scalars(select(Member.id_number)))
        for index, raw in enumerate(load_demo_members(), start=1):
            if raw["id_number"] in known:
                skipped += 1
                continue
            member = _demo_member(index, raw)
            session.add(member)
            session.flush()
            session.add_all(demo_history(member))
            known.add(raw["id_number"])
            demo_added += 1
        session.commit()
        batch: list[Member] = []
        first_account = session.scalar(select(func.count(Member.id))) or 0
        for member in synthetic_members(synthetic, rng_seed, first_account):
            if member.id_number in known:
                skipped += 1
                continue
            known.add(member.id_number)
            batch.append(member)
            if len(batch) >= _BATCH:
                session.add_all(batch)
                session.commit()
                synthetic_added += len(batch)
                batch = []
        session.add_all(batch)
        session.commit()
        synthetic_added += len(batch)
    return SeedReport(demo_added=demo_added, synthetic_added=synthetic_added, skipped=skipped)
