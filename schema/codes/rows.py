"""What the code loaders and the prefetch read: slotted dataclasses (no ORM objects on the hot
path), and how they select many keys at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute

from service.models import Code


def one_of(conn: Connection, column: InstrumentedAttribute[Any],
           values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``. On PostgreSQL ``column = ANY(array)``: one bound value instead of
    hundreds of placeholders, which the server parses and plans several times faster (and the
    statement's text no longer depends on how many values there are)."""
    if conn.dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


@dataclass(frozen=True, slots=True)
class CodeRow:
    id: int
    release_id: int
    code: str
    display: str
    level: str
    billable: bool
    parent_id: int | None
    ancestor_ids: tuple[int, ...]  # nearest first
    sort_order: int
    content_id: int


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


CODE_COLUMNS = (
    Code.id, Code.release_id, Code.code, Code.display, Code.level, Code.billable,
    Code.parent_id, Code.ancestor_ids, Code.sort_order, Code.content_id,
)


def code_row(r: Sequence[Any]) -> CodeRow:
    anc = tuple(int(x) for x in r[7].split(",")) if r[7] else ()
    return CodeRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], anc, r[8], r[9])
