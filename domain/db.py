"""Engine and session creation for SQLite (default) and PostgreSQL.

Users give plain URLs (``sqlite:///PATH``, ``postgresql://USER@HOST:PORT/DB``); the settings pick
our driver (``Settings.sqlalchemy_url``: psycopg 3 for PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from domain.settings import Settings


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def _begin(conn: Any) -> None:
    """A real BEGIN for every SQLAlchemy transaction, reads included: the sqlite3 module only
    begins before writes, so a request's SELECTs would each see a different database state
    while a release is being replaced. With it, a request reads one snapshot (WAL)."""
    conn.exec_driver_sql("BEGIN")


def read_snapshot(conn: Connection) -> Connection:
    """A request's connection reads one snapshot: REPEATABLE READ on PostgreSQL (SQLite gets it
    from ``_begin``)."""
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_pre_ping=True,
        connect_args={"connect_timeout": settings.connect_timeout},
    )


