"""Per-request dataloaders for codes and their notes: one SQL statement per batch, in key order.

Each loader answers in the order of its keys, ``None`` or ``[]`` for a miss (Saleor's
``<Thing>By<Key>Loader`` habit). They read with SQLAlchemy Core into slotted dataclasses
(``domain.rows``): no ORM objects on the hot path. ``code``/``codes`` load their notes up
front instead (``schema.codes.prefetch``); these loaders serve every other way to a code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection
from strawberry.dataloader import DataLoader

from domain.rows import (
    CodeRow,
    DescriptionRow,
    GuidelineRow,
    RelatedRow,
    children_of,
    codes_by_id,
    codes_by_key,
    descriptions_of,
    details_of,
    guidelines_of,
    related_of,
    targets_of,
)
from schema.codes.prefetch import PrefetchLoader

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
        self.details_by_content = DataLoader(self._details)
        self.prefetch = PrefetchLoader(conn, self.code_by_id)

    async def _codes_by_id(self, ids: Sequence[int]) -> list[CodeRow | None]:
        found = codes_by_id(self._conn(), ids)
        for row in found.values():
            self.code_by_key.prime((row.release_id, row.key), row)
        return [found.get(i) for i in ids]

    async def _codes_by_key(self, keys: Sequence[tuple[int, str]]) -> list[CodeRow | None]:
        by_release: dict[int, list[str]] = defaultdict(list)
        for release_id, key in keys:
            by_release[release_id].append(key)
        found: dict[tuple[int, str], CodeRow] = {}
        for release_id, wanted in by_release.items():
            for row in codes_by_key(self._conn(), (release_id,), wanted):
                found[(release_id, row.key)] = row
                self.code_by_id.prime(row.id, row)
        return [found.get(k) for k in keys]

    async def _children(self, ids: Sequence[int]) -> list[list[CodeRow]]:
        rows = children_of(self._conn(), ids)
        for row in rows:
            self.code_by_id.prime(row.id, row)
        return _grouped(ids, ((r.parent_id, r) for r in rows))

    async def _descriptions(self, ids: Sequence[int]) -> list[list[DescriptionRow]]:
        found = descriptions_of(self._conn(), ids)
        return [found[i] for i in ids]

    async def _related(self, ids: Sequence[int]) -> list[list[RelatedRow]]:
        found = related_of(self._conn(), ids)
        return [found[i] for i in ids]

    async def _targets(self, keys: Sequence[tuple[int, int]]) -> list[list[CodeRow]]:
        by_release: dict[int, list[int]] = defaultdict(list)
        for release_id, related_id in keys:
            by_release[release_id].append(related_id)
        found: list[tuple[tuple[int, int], CodeRow]] = []
        for release_id, related_ids in by_release.items():
            for related_id, row in targets_of(self._conn(), release_id, related_ids):
                self.code_by_id.prime(row.id, row)
                found.append(((release_id, related_id), row))
        return _grouped(keys, found)

    async def _details(self, ids: Sequence[int]) -> list[dict[str, Any] | None]:
        found = details_of(self._conn(), ids)
        return [found.get(i) for i in ids]

    async def _guidelines(self, ids: Sequence[int]) -> list[list[GuidelineRow]]:
        found = guidelines_of(self._conn(), ids)
        return [found[i] for i in ids]
