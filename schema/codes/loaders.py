"""Per-request dataloaders for codes and their notes: one SQL statement per batch, in key order.

Each loader answers in the order of its keys, ``None`` or ``[]`` for a miss (Saleor's
``<Thing>By<Key>Loader`` habit). They read with SQLAlchemy Core into slotted dataclasses: no ORM
objects on the hot path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, select
from strawberry.dataloader import DataLoader

from seed.tabular import lookup_key
from service.models import Code, Description, Guideline, RelatedCode, RelatedTarget

K = TypeVar("K")
T = TypeVar("T")


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


def _grouped(keys: Sequence[K], rows: Iterable[tuple[K, T]]) -> list[list[T]]:
    groups: dict[K, list[T]] = defaultdict(list)
    for key, value in rows:
        groups[key].append(value)
    return [groups.get(k, []) for k in keys]


class CodeLoaders:
    """The code loaders of one request, sharing its connection."""

    def __init__(self, conn: Callable[[], Connection]) -> None:
        self._conn = conn
        self.code_by_id = DataLoader(self._codes_by_id)
        self.code_by_key = DataLoader(self._codes_by_key)
        self.children_by_id = DataLoader(self._children)
        # Notes are keyed by content (shared across releases); targets by (release, reference),
        # since a reference names codes by key and answers in the release of the code asking.
        self.descriptions_by_content = DataLoader(self._descriptions)
        self.related_by_content = DataLoader(self._related)
        self.targets_by_related = DataLoader(self._targets)
        self.guidelines_by_content = DataLoader(self._guidelines)

    async def _codes_by_id(self, ids: Sequence[int]) -> list[CodeRow | None]:
        rows = self._conn().execute(select(*CODE_COLUMNS).where(Code.id.in_(ids)))
        found = {r[0]: code_row(r) for r in rows}
        for row in found.values():
            self.code_by_key.prime((row.release_id, lookup_key(row.code)), row)
        return [found.get(i) for i in ids]

    async def _codes_by_key(self, keys: Sequence[tuple[int, str]]) -> list[CodeRow | None]:
        by_release: dict[int, list[str]] = defaultdict(list)
        for release_id, key in keys:
            by_release[release_id].append(key)
        found: dict[tuple[int, str], CodeRow] = {}
        conn = self._conn()
        for release_id, wanted in by_release.items():
            stmt = select(*CODE_COLUMNS, Code.key).where(
                Code.release_id == release_id, Code.key.in_(wanted)
            )
            for r in conn.execute(stmt):
                row = code_row(r)
                found[(release_id, r[10])] = row
                self.code_by_id.prime(row.id, row)
        return [found.get(k) for k in keys]

    async def _children(self, ids: Sequence[int]) -> list[list[CodeRow]]:
        stmt = select(*CODE_COLUMNS).where(Code.parent_id.in_(ids)).order_by(Code.sort_order)
        rows = [code_row(r) for r in self._conn().execute(stmt)]
        for row in rows:
            self.code_by_id.prime(row.id, row)
        return _grouped(ids, ((r.parent_id, r) for r in rows))

    async def _descriptions(self, ids: Sequence[int]) -> list[list[DescriptionRow]]:
        stmt = (
            select(Description.content_id, Description.kind, Description.text)
            .where(Description.content_id.in_(ids))
            .order_by(Description.content_id, Description.seq)
        )
        return _grouped(ids, ((r[0], DescriptionRow(*r)) for r in self._conn().execute(stmt)))

    async def _related(self, ids: Sequence[int]) -> list[list[RelatedRow]]:
        stmt = (
            select(RelatedCode.id, RelatedCode.content_id, RelatedCode.kind, RelatedCode.note,
                   RelatedCode.target_code)
            .where(RelatedCode.content_id.in_(ids))
            .order_by(RelatedCode.content_id, RelatedCode.seq)
        )
        return _grouped(ids, ((r[1], RelatedRow(*r)) for r in self._conn().execute(stmt)))

    async def _targets(self, keys: Sequence[tuple[int, int]]) -> list[list[CodeRow]]:
        by_release: dict[int, list[int]] = defaultdict(list)
        for release_id, related_id in keys:
            by_release[release_id].append(related_id)
        found: list[tuple[tuple[int, int], CodeRow]] = []
        conn = self._conn()
        for release_id, related_ids in by_release.items():
            stmt = (
                select(RelatedTarget.related_id, *CODE_COLUMNS)
                .join(Code, (Code.key == RelatedTarget.target_key)
                      & (Code.release_id == release_id))
                .where(RelatedTarget.related_id.in_(related_ids))
                .order_by(RelatedTarget.related_id, RelatedTarget.seq)
            )
            for r in conn.execute(stmt):
                row = code_row(r[1:])
                self.code_by_id.prime(row.id, row)
                found.append(((release_id, r[0]), row))
        return _grouped(keys, found)

    async def _guidelines(self, ids: Sequence[int]) -> list[list[GuidelineRow]]:
        stmt = (
            select(Guideline.content_id, Guideline.kind, Guideline.text)
            .where(Guideline.content_id.in_(ids))
            .order_by(Guideline.content_id, Guideline.seq)
        )
        return _grouped(ids, ((r[0], GuidelineRow(*r)) for r in self._conn().execute(stmt)))
