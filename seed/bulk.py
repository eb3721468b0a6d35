"""Bulk writes: many rows into one table, in the caller's transaction, through the driver.

``conn.execute(insert(Table), list_of_dicts)`` spends most of a release load in SQLAlchemy's
per-row parameter handling. Here rows are tuples in a given column order and go to the driver
as they are: by COPY on PostgreSQL (psycopg 3), by the sqlite3 module's ``executemany`` on
SQLite. Each value first goes through its column type's bind processor, the conversion
SQLAlchemy itself applies (dates to ISO text and booleans to 0/1 on SQLite), so the stored rows
are the same, byte for byte, as an ``insert()`` would have stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlmodel import SQLModel


def write_rows(conn: Connection, table: Table | type[SQLModel], columns: Sequence[str],
               rows: Iterable[tuple[Any, ...]]) -> int:
    """Write ``rows`` (tuples, one value per name of ``columns``) into ``table``; returns how
    many were written.

    On PostgreSQL the rows stream into a COPY, during which no other statement may run on
    ``conn``: producing ``rows`` must not use the connection. A column left out gets the
    database's default (an id from its sequence); one with a default on the SQLAlchemy side
    (which ``insert()`` would fill in) cannot be left out.
    """
    target: Table = table if isinstance(table, Table) else table.__table__  # type: ignore[attr-defined]
    dialect = conn.dialect
    cols = [target.c[name] for name in columns]
    if missing := [c.name for c in target.c if c.name not in columns and c.default is not None]:
        raise ValueError(f"{target.name}: columns with a default must be written: {missing}")
    procs = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
    converted = _converted(rows, procs) if any(procs) else rows
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in cols)
    if dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        if raw is None:  # pragma: no cover - a pooled connection always has one
            raise RuntimeError("no database connection")
        count = 0
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {quote(target.name)} ({names}) FROM STDIN") as copy:
            for row in converted:
                copy.write_row(row)
                count += 1
        return count
    batch = converted if isinstance(converted, list) else list(converted)
    if batch:  # SQLite: the only other database
        conn.exec_driver_sql(f"INSERT INTO {quote(target.name)} ({names}) "
                             f"VALUES ({', '.join('?' * len(cols))})", batch)
    return len(batch)


def _converted(rows: Iterable[tuple[Any, ...]],
               procs: Sequence[Callable[[Any], Any] | None]) -> list[tuple[Any, ...]]:
    """The rows with each value through its column's processor. A processor is a function of
    its value alone, and the values repeat (flags, a file's few dates): each distinct value
    (of each type) is converted once, which makes the conversion three times cheaper."""
    convert: list[tuple[int, Callable[[Any], Any], dict[tuple[type, Any], Any]]] = [
        (i, p, {}) for i, p in enumerate(procs) if p is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, p, memo in convert:
            v = values[i]
            key = (v.__class__, v)
            try:
                values[i] = memo[key]
            except KeyError:
                values[i] = memo[key] = p(v)
            except TypeError:  # not hashable
                values[i] = p(v)
        out.append(tuple(values))
    return out
