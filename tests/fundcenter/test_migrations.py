import itertools
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from fundcenter import bankcard
from fundcenter.db import make_engine, upgrade_schema
from fundcenter.models import Base, LedgerEntry, Member
from fundcenter.seed import seed


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fc.db'}")
    upgrade_schema(engine)
    upgrade_schema(engine)  # idempotent: every start runs it
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert "alembic_version" in inspect(conn).get_table_names()
    engine.dispose()


def test_demo_ledgers_add_up_to_the_balance(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fc.db'}")
    upgrade_schema(engine)
    seed(engine, synthetic=50)
    with Session(engine) as session:
        members = list(session.scalars(select(Member)))
        assert all(m.bank_card is not None and bankcard.is_valid(m.bank_card) for m in members)
        lin = session.scalars(select(Member).where(Member.id_number == "371302198806120029")).one()
        entries = list(
            session.scalars(
                select(LedgerEntry).where(LedgerEntry.member_id == lin.id).order_by(LedgerEntry.booked_at)
            )
        )
    assert [e.kind for e in entries].count("deposit") == 12
    assert "interest" in {e.kind for e in entries}
    assert entries[-1].balance_after_fen == lin.balance_fen
    for before, after in itertools.pairwise(entries):
        assert after.balance_after_fen == before.balance_after_fen + after.amount_fen
    deposits = [e for e in entries if e.kind == "deposit"]
    assert deposits[-1].period == lin.paid_up_to
    assert all(e.amount_fen == lin.monthly_amount_fen for e in deposits)
    engine.dispose()


def test_bank_card_luhn() -> None:
    assert bankcard.is_valid("4111111111111111")
    assert not bankcard.is_valid("4111111111111112")
    assert not bankcard.is_valid("411111111111111")  # too short for a UnionPay card
    assert bankcard.is_valid(bankcard.make_card("622202020011223344"))


def test_an_older_database_is_upgraded_in_place(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from fundcenter.db import WRITE, alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'fc.db'}")
    with engine.execution_options(**WRITE).begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    with engine.execution_options(**WRITE).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id_number, name, gender, birth_date, city, employer_name, "
                "unit_account, personal_account, open_date, status, loan_status, balance_fen, "
                "contribution_base_fen, employer_rate_bp, personal_rate_bp, paid_up_to) VALUES "
                "('50011219560220007X', '欧阳振华', 'male', '1956-02-20', '重庆', '机械厂', '1', '2', "
                "'2000-01-01', 'normal', 'none', 100, 100, 1200, 1200, '2026-10')"
            )
        )
    upgrade_schema(engine)
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(alembic_config(conn)).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
        row = conn.execute(text("SELECT name, reference_encoding FROM members")).one()
        assert tuple(row) == ("欧阳振华", None)
        columns = {c["name"] for c in inspect(conn).get_columns("withdrawals")}
        assert "review_note" in columns
    engine.dispose()
