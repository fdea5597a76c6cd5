import sqlite3
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundcenter.db import make_engine, normalise_url, upgrade_schema
from fundcenter.idnumber import is_valid
from fundcenter.models import Member
from fundcenter.seed import load_demo_members, seed, synthetic_members


def test_seed_adds_demo_and_synthetic_members_once(tmp_path: Path) -> None:
    db = tmp_path / "fc.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade_schema(engine)
    first = seed(engine, synthetic=300)
    assert (first.demo_added, first.synthetic_added, first.skipped) == (6, 300, 0)
    again = seed(engine, synthetic=300)
    assert (again.demo_added, again.synthetic_added, again.skipped) == (0, 0, 306)
    more = seed(engine, synthetic=50, rng_seed=7)
    assert more.synthetic_added == 50

    with Session(engine) as session:
        members = list(session.scalars(select(Member)))
    assert len(members) == 356
    assert all(is_valid(m.id_number) for m in members)
    assert len({m.personal_account for m in members}) == 356
    assert all(isinstance(m.balance_fen, int) and m.balance_fen >= 0 for m in members)
    statuses = {m.status for m in members}
    assert statuses == {"normal", "sealed", "closed"}
    engine.dispose()


def test_demo_members_match_the_fixture(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fc.db'}")
    upgrade_schema(engine)
    seed(engine)
    with Session(engine) as session:
        by_id = {m.id_number: m for m in session.scalars(select(Member))}
    for raw in load_demo_members():
        member = by_id[raw["id_number"]]
        assert member.name == raw["name"]
        assert member.balance_fen == raw["balance_fen"]
        assert member.employer_rate_bp == round(raw["employer_rate"] * 10000)
        assert member.status == raw["account_status"]
        assert member.reference_face == raw["face"]
    assert by_id["610302199109030355"].sealed_since is not None
    assert by_id["321202198311270573"].loan_status == "active"
    engine.dispose()


def test_synthetic_people_are_deterministic_and_plausible() -> None:
    a = [m.id_number for m in synthetic_members(100, rng_seed=1)]
    b = [m.id_number for m in synthetic_members(100, rng_seed=1)]
    assert a == b
    for member in synthetic_members(200):
        assert member.birth_date.strftime("%Y%m%d") == member.id_number[6:14]
        assert (int(member.id_number[16]) % 2 == 1) == (member.gender == "male")
        assert member.phone is not None
        assert len(member.phone) == 11


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "fc.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade_schema(engine)
    engine.dispose()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_postgresql_urls_use_psycopg() -> None:
    assert normalise_url("postgresql://u:p@db/fund") == "postgresql+psycopg://u:p@db/fund"
    assert normalise_url("postgres://u:p@db/fund") == "postgresql+psycopg://u:p@db/fund"
    assert normalise_url("sqlite:///var/fc.db") == "sqlite:///var/fc.db"


def test_id_number_check_digit() -> None:
    assert is_valid("50011219560220007X")
    assert not is_valid("500112195602200071")
    assert not is_valid("50011219560220007")
