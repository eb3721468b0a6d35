"""Per-request dataloaders for codes and their notes: one SQL statement per batch, in key order.

Each loader answers in the order of its keys, ``None`` or ``[]`` for a miss (Saleor's
``<Thing>By<Key>Loader`` habit). They read with SQLAlchemy Core into slotted dataclasses
(``schema.codes.rows``): no ORM objects on the hot path. ``code``/``codes`` load their notes up
front instead (``schema.codes.prefetch``); these loaders serve every other way to a code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sqlalchemy import Connection, select
from strawberry.dataloader import DataLoader

from schema.codes.prefetch import PrefetchLoader
from schema.codes.rows import (
    CODE_COLUMNS,
    CodeRow,
    DescriptionRow,
    GuidelineRow,
    RelatedRow,
    code_row,
    one_of,
)
from seed.tabular import lookup_key
from service.models import Code, Description, Guideline, RelatedCode, RelatedTarget

K = TypeVar("K")
T = TypeVar("T")


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
        self.prefetch = PrefetchLoader(conn, self.code_by_id)

    async def _codes_by_id(self, ids: Sequence[int]) -> list[CodeRow | None]:
        conn = self._conn()
        rows = conn.execute(select(*CODE_COLUMNS).where(one_of(conn, Code.id, ids)))
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
                Code.release_id == release_id, one_of(conn, Code.key, wanted)
            )
            for r in conn.execute(stmt):
                row = code_row(r)
                found[(release_id, r[10])] = row
                self.code_by_id.prime(row.id, row)
        return [found.get(k) for k in keys]

    async def _children(self, ids: Sequence[int]) -> list[list[CodeRow]]:
        conn = self._conn()
        stmt = (select(*CODE_COLUMNS).where(one_of(conn, Code.parent_id, ids))
                .order_by(Code.sort_order))
        rows = [code_row(r) for r in conn.execute(stmt)]
        for row in rows:
            self.code_by_id.prime(row.id, row)
        return _grouped(ids, ((r.parent_id, r) for r in rows))

    async def _descriptions(self, ids: Sequence[int]) -> list[list[DescriptionRow]]:
        conn = self._conn()
        stmt = (
            select(Description.content_id, Description.kind, Description.text)
            .where(one_of(conn, Description.content_id, ids))
            .order_by(Description.content_id, Description.seq)
        )
        return _grouped(ids, ((r[0], DescriptionRow(*r)) for r in conn.execute(stmt)))

    async def _related(self, ids: Sequence[int]) -> list[list[RelatedRow]]:
        conn = self._conn()
        stmt = (
            select(RelatedCode.id, RelatedCode.content_id, RelatedCode.kind, RelatedCode.note,
                   RelatedCode.target_code)
            .where(one_of(conn, RelatedCode.content_id, ids))
            .order_by(RelatedCode.content_id, RelatedCode.seq)
        )
        return _grouped(ids, ((r[1], RelatedRow(*r)) for r in conn.execute(stmt)))

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
                .where(one_of(conn, RelatedTarget.related_id, related_ids))
                .order_by(RelatedTarget.related_id, RelatedTarget.seq)
            )
            for r in conn.execute(stmt):
                row = code_row(r[1:])
                self.code_by_id.prime(row.id, row)
                found.append(((release_id, r[0]), row))
        return _grouped(keys, found)

    async def _guidelines(self, ids: Sequence[int]) -> list[list[GuidelineRow]]:
        conn = self._conn()
        stmt = (
            select(Guideline.content_id, Guideline.kind, Guideline.text)
            .where(one_of(conn, Guideline.content_id, ids))
            .order_by(Guideline.content_id, Guideline.seq)
        )
        return _grouped(ids, ((r[0], GuidelineRow(*r)) for r in conn.execute(stmt)))
