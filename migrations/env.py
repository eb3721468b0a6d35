"""Alembic environment: metadata from the SQLModel tables, URL from medcode's settings."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import domain.fee_schedule  # noqa: F401
import domain.models  # noqa: F401  (registers the tables)
import domain.ncci  # noqa: F401
from domain.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata

# Tables the migrations create outside the models (SQLite FTS5 and its shadow tables).
UNMODELLED_PREFIXES = ("search_fts",)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    if type_ == "table" and name and name.startswith(UNMODELLED_PREFIXES):
        return False
    return not (type_ == "index" and name and name.startswith("ix_search_entry_tsv"))


def _url() -> str:
    return config.attributes.get("url") or get_settings().sqlalchemy_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      include_object=include_object, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from sqlalchemy import create_engine

    engine = create_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata,
                      include_object=include_object, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
