"""A release's codes in tabular order, a page at a time: all of them, or one code and everything
below it (a FHIR ``isa`` value set, a browser's subtree).

The subtree walks ``parent_id`` (indexed) with a recursive statement, as
``domain.rows.billable_descendants`` does, and keeps every level, not only the billable codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Date, func, select, text
from sqlmodel import col

from domain.models import Code
from domain.rows import CODE_COLUMN_NAMES, CODE_COLUMNS, CodeRow, code_row

_COLS = ", ".join(CODE_COLUMN_NAMES)
_TREE = (
    f"WITH RECURSIVE tree({_COLS}) AS ("
    f" SELECT {_COLS} FROM code WHERE id = :root"
    " UNION ALL"
    " SELECT " + ", ".join(f"c.{name}" for name in CODE_COLUMN_NAMES)
    + " FROM code c JOIN tree ON c.parent_id = tree.id)"
)
_SUBTREE_PAGE = text(
    f"{_TREE} SELECT {_COLS} FROM tree ORDER BY sort_order LIMIT :limit OFFSET :offset"
).columns(valid_from=Date, valid_to=Date)
_SUBTREE_COUNT = text(f"{_TREE} SELECT count(*) FROM tree")


@dataclass(frozen=True, slots=True)
class CodePage:
    rows: list[CodeRow]
    total: int


def release_page(conn: Connection, release_id: int, *, limit: int, offset: int) -> CodePage:
    """The release's codes in tabular order, ``limit`` from ``offset``."""
    in_release = col(Code.release_id) == release_id
    total = conn.execute(select(func.count()).select_from(Code).where(in_release)).scalar_one()
    stmt = (select(*CODE_COLUMNS).where(in_release).order_by(col(Code.sort_order))
            .limit(limit).offset(offset))
    return CodePage([code_row(r) for r in conn.execute(stmt)], int(total))


def subtree_page(conn: Connection, root_id: int, *, limit: int, offset: int) -> CodePage:
    """A code and everything below it, in tabular order, ``limit`` from ``offset``."""
    total = conn.execute(_SUBTREE_COUNT, {"root": root_id}).scalar_one()
    rows = conn.execute(_SUBTREE_PAGE, {"root": root_id, "limit": limit, "offset": offset})
    return CodePage([code_row(r) for r in rows], int(total))

