"""What changed between two releases of a code system, as CMS counts it in its addenda.

added: billable in ``to`` and not billable in ``from`` (new, or a former header now billable);
deleted: billable in ``from`` and not in ``to`` (gone, or expanded into children, as E72.53);
revised: billable in both with a changed title. Three statements, each a join on
(release, key) through the unique index.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Date, text

from domain.rows import CODE_COLUMN_NAMES, CodeRow, code_row

_COLUMNS = ", ".join(f"a.{name}" for name in CODE_COLUMN_NAMES)

_ONLY_IN_A = text(
    f"SELECT {_COLUMNS} FROM code a LEFT JOIN code b ON b.release_id = :b AND b.key = a.key "
    "WHERE a.release_id = :a AND a.billable AND (b.id IS NULL OR NOT b.billable) "
    "ORDER BY a.sort_order"
).columns(valid_from=Date, valid_to=Date)
_REVISED = text(
    f"SELECT {_COLUMNS}, b.display AS before_display FROM code a "
    "JOIN code b ON b.release_id = :b AND b.key = a.key "
    "WHERE a.release_id = :a AND a.billable AND b.billable AND a.display <> b.display "
    "ORDER BY a.sort_order"
).columns(valid_from=Date, valid_to=Date)


@dataclass(frozen=True, slots=True)
class Revised:
    code: CodeRow  # as in the newer release
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ChangeSet:
    added: list[CodeRow]
    deleted: list[CodeRow]
    revised: list[Revised]


def compute_changes(conn: Connection, *, from_release: int, to_release: int) -> ChangeSet:
    """The changes from one release to another (of the same system)."""
    added = [code_row(r) for r in conn.execute(_ONLY_IN_A, {"a": to_release, "b": from_release})]
    deleted = [code_row(r) for r in conn.execute(_ONLY_IN_A,
                                                  {"a": from_release, "b": to_release})]
    revised = [
        Revised(code_row(r), before=r.before_display, after=r.display)
        for r in conn.execute(_REVISED, {"a": to_release, "b": from_release})
    ]
    return ChangeSet(added, deleted, revised)
