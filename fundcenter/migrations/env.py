"""Alembic environment: runs on the connection the application hands over (see fundcenter.db)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from fundcenter.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line: ``alembic -x url=sqlite:///... revision --autogenerate``
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///var/fundcenter/fundcenter.db")
    with create_engine(url).connect() as conn:
        _run(conn)
