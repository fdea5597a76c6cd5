"""Engines, sessions and the schema: SQLite in WAL mode by default, PostgreSQL by URL.

The schema is Alembic's (``fundcenter/migrations``): ``upgrade_schema`` brings any database to the
newest revision at start-up, so a center upgrades the software and the data in one step.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE = {"fundcenter_write": True}  # execution option: SQLite takes the write lock at BEGIN


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` use psycopg 3 (the driver this project ships)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own BEGIN is deferred and late).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writing transaction takes the lock at BEGIN, so it waits (busy_timeout) instead of failing
    # with SQLITE_BUSY when it upgrades from reading to writing under concurrent writers.
    immediate = conn.get_execution_options().get("fundcenter_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade_schema(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision (safe to run at every start)."""
    with engine.execution_options(**WRITE).begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


_write_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_locks_guard = threading.Lock()


def _write_lock(engine: Engine) -> AbstractContextManager[object]:
    """SQLite has one writer at a time; waiting on its busy handler means sleeping in steps of up to
    100 ms, so this process's writers queue on a lock instead (other processes still use the busy
    timeout). PostgreSQL locks rows itself: no lock here."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _locks_guard:
        return _write_locks.setdefault(engine, threading.Lock())


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """A session whose transaction writes: committed on success, rolled back on any error."""
    with (
        _write_lock(engine),
        Session(engine.execution_options(**WRITE), expire_on_commit=False) as session,
        session.begin(),
    ):
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
