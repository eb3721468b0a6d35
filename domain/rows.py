"""Reading codes and their notes: slotted dataclasses (no ORM objects on the hot path), read by
column name, and one query function per table, shared by the GraphQL loaders, the prefetch of
``code``/``codes``, release changes and the validation rules.

Each function takes the connection first and answers for a whole batch of keys in one
statement (``one_of`` keeps the statement's text independent of the batch size on PostgreSQL).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    any_,
    bindparam,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped
from sqlmodel import col

from domain.models import Code, CodeContent, Description, Guideline, RelatedCode, RelatedTarget


def one_of(conn: Connection, column: Mapped[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``. On PostgreSQL ``column = ANY(array)``: one bound value instead of
    hundreds of placeholders, which the server parses and plans several times faster (and the
    statement's text no longer depends on how many values there are)."""
    if conn.dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))  # type: ignore[attr-defined]
    return column.in_(values)


@dataclass(frozen=True, slots=True)
class CodeRow:
    id: int
    release_id: int
    code: str
    key: str  # the stored lookup form (``E119``)
    display: str
    level: str
    billable: bool
    parent_id: int | None
    ancestor_ids: tuple[int, ...]  # nearest first
    sort_order: int
    content_id: int
    valid_from: date | None = None  # the code's own dates inside its release (HCPCS)
    valid_to: date | None = None

    def in_force_on(self, day: date) -> bool:
        """False when the code's own dates put ``day`` outside them."""
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))


@dataclass(frozen=True, slots=True)
class DescriptionRow:
    content_id: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class RelatedRow:
    id: int
    content_id: int
    kind: str
    note: str
    target_code: str | None


@dataclass(frozen=True, slots=True)
class GuidelineRow:
    content_id: int
    kind: str
    text: str


@dataclass(slots=True)
class NoteRow:
    """One stored code reference of a note, with the keys it resolves to."""

    id: int
    kind: str
    note: str
    target_code: str | None
    targets: list[str] = field(default_factory=list)


CODE_COLUMNS = tuple(col(c) for c in (
    Code.id, Code.release_id, Code.code, Code.key, Code.display, Code.level, Code.billable,
    Code.parent_id, Code.ancestor_ids, Code.sort_order, Code.content_id, Code.valid_from,
    Code.valid_to,
))
CODE_COLUMN_NAMES = tuple(c.name for c in select(*CODE_COLUMNS).selected_columns)


def code_row(r: Any) -> CodeRow:
    """A row holding the code columns by name (other columns may be there too)."""
    anc = r.ancestor_ids
    return CodeRow(r.id, r.release_id, r.code, r.key, r.display, r.level, bool(r.billable),
                   r.parent_id, tuple(int(x) for x in anc.split(",")) if anc else (),
                   r.sort_order, r.content_id, r.valid_from, r.valid_to)


# --- code -----------------------------------------------------------------------------------

def codes_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, CodeRow]:
    rows = conn.execute(select(*CODE_COLUMNS).where(one_of(conn, col(Code.id), ids)))
    return {r.id: code_row(r) for r in rows}


def codes_by_key(conn: Connection, release_ids: Collection[int],
                 keys: Sequence[str]) -> list[CodeRow]:
    """The codes with these keys in these releases (in no particular order)."""
    if len(release_ids) == 1:
        in_release = col(Code.release_id) == next(iter(release_ids))
    else:
        in_release = col(Code.release_id).in_(sorted(release_ids))
    stmt = select(*CODE_COLUMNS).where(in_release, one_of(conn, col(Code.key), keys))
    return [code_row(r) for r in conn.execute(stmt)]


def children_of(conn: Connection, ids: Sequence[int]) -> list[CodeRow]:
    """The children of these codes, in tabular order."""
    stmt = (select(*CODE_COLUMNS).where(one_of(conn, col(Code.parent_id), ids))
            .order_by(col(Code.sort_order)))
    return [code_row(r) for r in conn.execute(stmt)]


_COLS = ", ".join(CODE_COLUMN_NAMES)
# The rows travel inside the recursion: joining code again afterwards lets SQLite's planner
# pick a slow plan.
_BILLABLE_DESCENDANTS = text(
    f"WITH RECURSIVE tree(root_id, {_COLS}) AS ("
    f" SELECT id, {_COLS} FROM code WHERE id IN :roots"
    " UNION ALL"
    " SELECT tree.root_id, "
    + ", ".join(f"c.{name}" for name in CODE_COLUMN_NAMES)
    + " FROM code c JOIN tree ON c.parent_id = tree.id"
    f") SELECT root_id, {_COLS} FROM tree WHERE billable ORDER BY root_id, sort_order"
).bindparams(bindparam("roots", expanding=True)).columns(valid_from=Date, valid_to=Date)


def billable_descendants(conn: Connection, roots: Collection[int]) -> dict[int, list[CodeRow]]:
    """The billable codes under each root (itself included), in tabular order."""
    out: dict[int, list[CodeRow]] = defaultdict(list)
    if roots:
        for r in conn.execute(_BILLABLE_DESCENDANTS, {"roots": sorted(roots)}):
            out[r.root_id].append(code_row(r))
    return out


# --- what a code says, by content -------------------------------------------------------------

def _grouped(content_ids: Iterable[int], pairs: Iterable[tuple[int, Any]]) -> dict[int, list]:
    out: dict[int, list] = {c: [] for c in content_ids}
    for key, value in pairs:
        out[key].append(value)
    return out


def descriptions_of(conn: Connection, content_ids: Sequence[int]
                    ) -> dict[int, list[DescriptionRow]]:
    stmt = (select(col(Description.content_id), col(Description.kind), col(Description.text))
            .where(one_of(conn, col(Description.content_id), content_ids))
            .order_by(col(Description.content_id), col(Description.seq)))
    return _grouped(content_ids, ((r.content_id, DescriptionRow(r.content_id, r.kind, r.text))
                                  for r in conn.execute(stmt)))


def guidelines_of(conn: Connection, content_ids: Sequence[int]) -> dict[int, list[GuidelineRow]]:
    stmt = (select(col(Guideline.content_id), col(Guideline.kind), col(Guideline.text))
            .where(one_of(conn, col(Guideline.content_id), content_ids))
            .order_by(col(Guideline.content_id), col(Guideline.seq)))
    return _grouped(content_ids, ((r.content_id, GuidelineRow(r.content_id, r.kind, r.text))
                                  for r in conn.execute(stmt)))


def related_of(conn: Connection, content_ids: Sequence[int],
               kinds: Sequence[str] | None = None) -> dict[int, list[RelatedRow]]:
    """The note references of these contents (only of ``kinds``, when given), in note order."""
    stmt = (select(col(RelatedCode.id), col(RelatedCode.content_id), col(RelatedCode.kind),
                   col(RelatedCode.note), col(RelatedCode.target_code))
            .where(one_of(conn, col(RelatedCode.content_id), content_ids))
            .order_by(col(RelatedCode.content_id), col(RelatedCode.seq)))
    if kinds is not None:
        stmt = stmt.where(col(RelatedCode.kind).in_(kinds))
    return _grouped(content_ids, (
        (r.content_id, RelatedRow(r.id, r.content_id, r.kind, r.note, r.target_code))
        for r in conn.execute(stmt)))


def target_keys_of(conn: Connection, related_ids: Sequence[int]) -> dict[int, list[str]]:
    """The code keys each note reference names, in reference order."""
    stmt = (select(col(RelatedTarget.related_id), col(RelatedTarget.target_key))
            .where(one_of(conn, col(RelatedTarget.related_id), related_ids))
            .order_by(col(RelatedTarget.related_id), col(RelatedTarget.seq)))
    return _grouped(related_ids, ((r.related_id, r.target_key) for r in conn.execute(stmt)))


def targets_of(conn: Connection, release_id: int, related_ids: Sequence[int]
               ) -> list[tuple[int, CodeRow]]:
    """(reference id, code) for the codes these note references denote in ``release_id``."""
    stmt = (
        select(col(RelatedTarget.related_id), *CODE_COLUMNS)
        .join(Code, (col(Code.key) == col(RelatedTarget.target_key))
              & (col(Code.release_id) == release_id))
        .where(one_of(conn, col(RelatedTarget.related_id), related_ids))
        .order_by(col(RelatedTarget.related_id), col(RelatedTarget.seq))
    )
    return [(r.related_id, code_row(r)) for r in conn.execute(stmt)]


def targets_by_content(conn: Connection, release_id: int, content_ids: Sequence[int]
                       ) -> list[tuple[int, CodeRow]]:
    """Like :func:`targets_of`, for every reference of these contents: selected through the
    contents (a few hundred bound values, not one per reference). Equal codes share a row."""
    stmt = (
        select(col(RelatedTarget.related_id), *CODE_COLUMNS)
        .join(RelatedCode, col(RelatedCode.id) == col(RelatedTarget.related_id))
        .join(Code, (col(Code.key) == col(RelatedTarget.target_key))
              & (col(Code.release_id) == release_id))
        .where(one_of(conn, col(RelatedCode.content_id), content_ids))
        .order_by(col(RelatedTarget.related_id), col(RelatedTarget.seq))
    )
    seen: dict[int, CodeRow] = {}
    out: list[tuple[int, CodeRow]] = []
    for r in conn.execute(stmt):
        row = seen.get(r.id)
        if row is None:
            row = seen[r.id] = code_row(r)
        out.append((r.related_id, row))
    return out


def details_of(conn: Connection, content_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What only the codes' system says of them (``code_content.details``), by content."""
    stmt = (select(col(CodeContent.id), col(CodeContent.details))
            .where(one_of(conn, col(CodeContent.id), content_ids),
                   col(CodeContent.details).is_not(None)))
    return {r.id: json.loads(r.details) for r in conn.execute(stmt)}


def notes_of(conn: Connection, content_ids: Collection[int], kinds: Sequence[str]
             ) -> dict[int, list[NoteRow]]:
    """The notes of ``kinds`` of these contents, in tabular order, with the keys they name.

    Two statements rather than one join: for a few hundred notes PostgreSQL's planner prefers
    hashing all of ``related_target`` to using its primary key.
    """
    out: dict[int, list[NoteRow]] = defaultdict(list)
    if not content_ids:
        return out
    related = related_of(conn, sorted(content_ids), kinds)
    by_id: dict[int, NoteRow] = {}
    for content_id, rows in related.items():
        for r in rows:
            note = by_id[r.id] = NoteRow(r.id, r.kind, r.note, r.target_code)
            out[content_id].append(note)
    if by_id:
        for rid, keys in target_keys_of(conn, sorted(by_id)).items():
            by_id[rid].targets.extend(keys)
    return out
