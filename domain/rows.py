"""Reading codes and their notes: slotted dataclasses (no ORM objects on the hot path), read by
column name, and one query function per table, shared by the GraphQL loaders, the prefetch of
``code``/``codes``, release changes and the validation rules.

Each function takes the connection first and answers for a whole batch of keys in one
statement (``one_of`` keeps the statement's text independent of the batch size on PostgreSQL).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    String,
    TextualSelect,
    Transaction,
    any_,
    bindparam,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped
from sqlmodel import col

from domain.list_params import with_lists
from domain.lru import BoundedLRU
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

_CODE_STATEMENTS: dict[tuple[str, str], TextualSelect] = {}


def _code_statement(conn: Connection, where: str, lists: Mapping[str, Any]) -> TextualSelect:
    """``SELECT`` the code columns ``WHERE where``, each ``{name}`` of ``lists`` (name: type of
    its items) a list bound as one value (:mod:`domain.list_params`). Typed text, built once per
    dialect: a select() cost more to build and to match to its cached compilation (0.5 ms) than
    a validation's lookup of a few codes takes."""
    dialect = conn.dialect.name
    found = _CODE_STATEMENTS.get((where, dialect))
    if found is None:
        found = with_lists(f"SELECT {_COLS} FROM code WHERE {where}", lists,
                           dialect).columns(valid_from=Date, valid_to=Date)
        _CODE_STATEMENTS[(where, dialect)] = found
    return found


def codes_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, CodeRow]:
    rows = conn.execute(_code_statement(conn, "id {ids}", {"ids": Integer}), {"ids": list(ids)})
    return {r.id: code_row(r) for r in rows}


def codes_by_key(conn: Connection, release_ids: Collection[int],
                 keys: Sequence[str]) -> list[CodeRow]:
    """The codes with these keys in these releases (in no particular order)."""
    stmt = _code_statement(conn, "release_id {rels} AND key {keys}",
                           {"rels": Integer, "keys": String})
    rows = conn.execute(stmt, {"rels": sorted(release_ids), "keys": list(keys)})
    return [code_row(r) for r in rows]


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


# --- rows kept across requests ----------------------------------------------------------------

# What a validation reads again and again (E11.9 and I10 are on most claims): kept per process,
# bounded, shared by threads (the values are never modified: ``CodeRow`` is frozen, a note list
# is a tuple whose rows nobody changes once read).
KEPT_CODES = 20_000  # a code read by key is kept under its key and its id: ~0.4 kB each
KEPT_NOTES = 20_000  # the notes of one content, of the kinds asked (most contents have none)
RELEASES_LOADED = text("SELECT id, CAST(loaded_at AS VARCHAR(40)) FROM release")

Generation = tuple[str, int, str]  # the database, the release's id, its load time
_codes: BoundedLRU[tuple[Generation, str | int], CodeRow] = BoundedLRU(KEPT_CODES)
_notes: BoundedLRU[tuple[Generation, int, tuple[str, ...]], tuple[NoteRow, ...]] = BoundedLRU(
    KEPT_NOTES)
# The releases' load times, read once per transaction (a request reads one snapshot).
_loaded: WeakKeyDictionary[Transaction, tuple[str, dict[int, str]]] = WeakKeyDictionary()
_loaded_lock = threading.Lock()


def generation(conn: Connection, release_id: int) -> Generation:
    """What names a release's content: the database, the release's id and its load time. A
    reload gives a release a new load time but may give it its old id back (SQLite reuses the
    largest deleted id; so do code and content ids). One statement per transaction."""
    tx = conn.get_transaction()
    with _loaded_lock:
        found = _loaded.get(tx) if tx is not None else None
    if found is None:
        times = {int(i): str(t) for i, t in conn.execute(RELEASES_LOADED)}
        found = (conn.engine.url.render_as_string(), times)
        tx = conn.get_transaction()
        if tx is not None:
            with _loaded_lock:
                _loaded[tx] = found
    return found[0], release_id, found[1].get(release_id, "")


def forget_kept() -> None:
    """Drop every kept row (for a test that counts the statements of a cold validation)."""
    _codes.clear()
    _notes.clear()


class ReleaseRows:
    """One release's codes and their notes as validation rules read them: what this process
    read before, for any request, comes from memory, and only the rest from the database.

    A loaded release never changes, so its rows are kept under its :func:`generation` (bounded,
    least recently used first out). Codes not found are not kept.
    """

    def __init__(self, conn: Callable[[], Connection], release_id: int) -> None:
        self._conn = conn
        self.release_id = release_id
        self._generation: Generation | None = None

    def generation(self) -> Generation:
        if self._generation is None:
            self._generation = generation(self._conn(), self.release_id)
        return self._generation

    def _keep(self, gen: Generation, row: CodeRow) -> None:
        _codes.put((gen, row.key), row)
        _codes.put((gen, row.id), row)

    def by_key(self, keys: Iterable[str]) -> dict[str, CodeRow]:
        """The release's codes with these keys (the keys it has no code for are left out)."""
        gen = self.generation()
        out, unread = _codes.kept(gen, keys)
        if unread:
            for row in codes_by_key(self._conn(), (self.release_id,), unread):
                out[row.key] = row
                self._keep(gen, row)
        return out

    def by_id(self, ids: Iterable[int]) -> dict[int, CodeRow]:
        """The release's codes with these ids (ids of other releases' codes do not belong)."""
        gen = self.generation()
        out, unread = _codes.kept(gen, ids)
        if unread:
            for row in codes_by_id(self._conn(), unread).values():
                out[row.id] = row
                self._keep(gen, row)
        return out

    def notes_of(self, content_ids: Iterable[int], kinds: Sequence[str]
                 ) -> Mapping[int, Sequence[NoteRow]]:
        """:func:`notes_of` for the contents of this release's codes (a content is shared
        between releases, and does not change while a release uses it)."""
        gen = self.generation()
        kept = tuple(kinds)
        out: dict[int, Sequence[NoteRow]] = {}
        unread: list[int] = []
        wanted = list(dict.fromkeys(content_ids))
        for c, notes in zip(wanted, _notes.get_many((gen, c, kept) for c in wanted),
                            strict=True):
            if notes is None:
                unread.append(c)
            else:
                out[c] = notes
        if unread:
            read = notes_of(self._conn(), unread, kinds)
            for c in unread:
                notes = out[c] = tuple(read.get(c, ()))
                _notes.put((gen, c, kept), notes)
        return out
