"""A list bound as one parameter, whatever its length: ``= ANY(:name)`` with an array on
PostgreSQL (one plan for every length), ``IN (SELECT value FROM json_each(:name))`` with JSON
text on SQLite (the same index search as ``IN (?, ?...)``). Thousands of placeholders cost more
to render and parse than the query takes to run, and a statement whose text changes with the
list's length is compiled again for each length."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class JsonList(TypeDecorator[list[Any]]):
    """A list bound as one JSON text, for SQLite's ``json_each``."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value)


def with_lists(sql: str, lists: Mapping[str, type[TypeEngine[Any]]],
               dialect: str) -> TextClause:
    """``sql`` (text) with each ``{name}`` of ``lists`` (name: the type of its items) replaced by
    the dialect's test for membership of the list bound as ``:name``."""
    postgres = dialect == "postgresql"
    condition = {n: f"= ANY(:{n})" if postgres else f"IN (SELECT value FROM json_each(:{n}))"
                 for n in lists}
    return text(sql.format(**condition)).bindparams(
        *(bindparam(n, type_=ARRAY(t) if postgres else JsonList()) for n, t in lists.items()))
