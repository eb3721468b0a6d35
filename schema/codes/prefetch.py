"""Load the notes of a whole lookup up front, so that its fields resolve without awaiting.

A DataLoader answers in a few statements, but every field that goes through one is an awaitable
for graphql-core to schedule: a lookup of 200 codes made tens of thousands of them and spent
its time in the event loop, not in the database. ``code``/``codes`` therefore read, in one
statement per table and only for the fields the query selects, the ancestors, descriptions,
notes, note targets and guidelines of every code asked (and of its ancestors, whose notes a code
inherits). The ``Code`` objects carry the result; a field finding its data there returns it
synchronously, and falls back to the loaders otherwise (codes reached some other way).

Guests get no prefetch: they see one code a day, and their path, gated fields included, stays
the loaders' one, so their REGISTRATION_REQUIRED errors come in the order they always did.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from strawberry.dataloader import DataLoader
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from domain.rows import (
    CodeRow,
    DescriptionRow,
    GuidelineRow,
    RelatedRow,
    codes_by_id,
    descriptions_of,
    guidelines_of,
    related_of,
    targets_by_content,
)

# The fields of Code whose data a prefetch can hold; ``related.targets`` for the note targets.
PREFETCHABLE = frozenset({"descriptions", "parent", "related", "related.targets", "guidelines"})


@dataclass(slots=True)
class Prefetch:
    """What the lookups of a request loaded in one release. A key missing from a map means "not
    loaded": the field asks the loaders."""

    release_id: int
    rows: dict[int, CodeRow | None] = field(default_factory=dict)  # ancestors, by id
    descriptions: dict[int, list[DescriptionRow]] = field(default_factory=dict)  # by content
    related: dict[int, list[RelatedRow]] = field(default_factory=dict)  # by content
    targets: dict[int, list[CodeRow]] = field(default_factory=dict)  # by related id
    guidelines: dict[int, list[GuidelineRow]] = field(default_factory=dict)  # by content
    # GraphQL objects built from the above, shared by every field that asks for the same ones
    # (a category's note targets are the same for each of its 500 codes).
    built: dict[Hashable, list[Any]] = field(default_factory=dict)

    def owners(self, row: CodeRow, inherited: bool) -> list[CodeRow] | None:
        """The code and, when inherited, its ancestors nearest first; None if not loaded."""
        if not inherited or not row.ancestor_ids:
            return [row]
        rows = self.rows
        if any(a not in rows for a in row.ancestor_ids):
            return None
        return [row, *(r for a in row.ancestor_ids if (r := rows[a]) is not None)]


def selected(info: Info) -> set[str]:
    """The prefetchable fields selected on the codes the current field returns (through
    fragments and aliases; ``@skip``/``@include`` are ignored, which at worst loads too much)."""
    names: set[str] = set()
    for lookup in info.selected_fields:
        for sub in _fields(lookup.selections):
            names.add(sub.name)
            if sub.name == "related" and any(t.name == "targets" for t in _fields(sub.selections)):
                names.add("related.targets")
    return names & PREFETCHABLE


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set, fragments flattened."""
    for sel in selections:
        if isinstance(sel, SelectedField):
            yield sel
        else:
            yield from _fields(sel.selections)


@dataclass(frozen=True, slots=True)
class Ask:
    """One lookup's request: its codes (of one release) and the fields it selects."""

    release_id: int
    codes: Sequence[CodeRow]
    wanted: frozenset[str]


class PrefetchLoader(DataLoader[Ask, Prefetch]):
    """Batches the prefetches of one request's lookups: thirty aliased ``code`` fields cost one
    round of statements (per release), as one ``codes`` field does, not thirty."""

    def __init__(self, conn: Callable[[], Connection], code_by_id: DataLoader) -> None:
        super().__init__(self._load, cache=False)
        self._conn = conn
        self._code_by_id = code_by_id

    async def _load(self, asks: Sequence[Ask]) -> list[Prefetch]:
        merged: dict[int, tuple[list[CodeRow], set[str]]] = {}
        for ask in asks:
            codes, wanted = merged.setdefault(ask.release_id, ([], set()))
            codes.extend(ask.codes)
            wanted |= ask.wanted
        done = {release_id: prefetch(self._conn(), self._code_by_id, release_id, codes, wanted)
                for release_id, (codes, wanted) in merged.items()}
        return [done[ask.release_id] for ask in asks]


def prefetch(conn: Connection, code_by_id: DataLoader, release_id: int,
             codes: Sequence[CodeRow], wanted: set[str]) -> Prefetch:
    """Load what ``wanted`` needs for ``codes`` (all of ``release_id``): one statement a table.
    The ancestors read also prime ``code_by_id``, for the fields that still use it."""
    pre = Prefetch(release_id)
    if not codes or not wanted:
        return pre
    notes = wanted & {"related", "guidelines"}
    ancestor_ids: dict[int, None] = {}
    for row in codes:
        if "parent" in wanted and row.parent_id is not None:
            ancestor_ids[row.parent_id] = None
        if notes:
            ancestor_ids.update(dict.fromkeys(row.ancestor_ids))
    if ancestor_ids:
        found = codes_by_id(conn, list(ancestor_ids))
        pre.rows = {i: found.get(i) for i in ancestor_ids}
        code_by_id.prime_many(found)
    own = list(dict.fromkeys(r.content_id for r in codes))
    if "descriptions" in wanted:
        pre.descriptions = descriptions_of(conn, own)
    if not notes:
        return pre
    content = list(dict.fromkeys(
        [*own, *(r.content_id for r in pre.rows.values() if r is not None)]))
    if "guidelines" in wanted:
        pre.guidelines = guidelines_of(conn, content)
    if "related" in wanted:
        pre.related = related_of(conn, content)
    if "related.targets" in wanted:
        pre.targets = {r.id: [] for rows in pre.related.values() for r in rows}
        for related_id, row in targets_by_content(conn, release_id, content):
            pre.targets[related_id].append(row)
    return pre
