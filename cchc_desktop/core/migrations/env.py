"""Alembic environment, driven from ``core.db`` (no alembic.ini, no working-directory lookup).

The caller passes an open connection in ``config.attributes["connection"]``; when run from the
alembic command line for development, ``CCHC_MIGRATION_URL`` names the database instead.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from cchc_desktop.core.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(os.environ.get("CCHC_MIGRATION_URL", "sqlite:///migration-dev.db"))
    with engine.begin() as conn:
        _configure(conn)
        context.run_migrations()


run_migrations_online()
