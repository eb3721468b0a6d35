"""One thread-safe LRU, bounded in entries and in total size, for every in-memory cache here:
query results (``service.caching``), persisted query texts (``service.persisted``), prepared
answers (``service.fastpath``), parsed search documents (``domain.search.ranking``), each
release's search dictionary (``domain.search.lexicon``), credentials checked lately
(``domain.metering.authenticator``), and the codes, notes and NCCI edits that validations read
(``domain.rows.ReleaseRows``, ``domain.ncci.kept_mues``).

Built on ``cachetools.LRUCache``, which bounds the total size (each entry's size is the one given
to ``put``); the entry bound and the lock are ours.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T", bound=Hashable)  # a key within a scope (``kept``)


def _size_of(item: tuple[object, int]) -> int:
    return item[1]


class BoundedLRU(Generic[K, V]):
    """Least recently used entries go first once there are more than ``max_entries`` or their
    sizes (as given to ``put``) add up to more than ``max_size``. An entry larger than
    ``max_size`` on its own is not kept; with ``max_entries <= 0`` nothing is. Without a
    ``max_size`` (or a size to ``put``), only the number of entries is bounded."""

    def __init__(self, max_entries: int, max_size: int = sys.maxsize) -> None:
        self._items: LRUCache[K, tuple[V, int]] = LRUCache(max(max_size, 0),
                                                           getsizeof=_size_of)
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_size = max_size

    @property
    def size(self) -> int:
        """The sizes of the entries kept, added up."""
        return int(self._items.currsize)

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
        return None if item is None else item[0]

    def get_many(self, keys: Iterable[K]) -> list[V | None]:
        """``get`` of each key, under one acquisition of the lock."""
        with self._lock:
            items = [self._items.get(k) for k in keys]
        return [None if item is None else item[0] for item in items]

    def kept(self, scope: Hashable, keys: Iterable[T]) -> tuple[dict[T, V], list[T]]:
        """The values kept under ``(scope, key)`` for each distinct key, and the keys (in
        order) that have none: what a caller must still read."""
        wanted = list(dict.fromkeys(keys))
        found: dict[T, V] = {}
        missing: list[T] = []
        for key, value in zip(wanted, self.get_many((scope, k) for k in wanted),  # type: ignore[misc]
                              strict=True):
            if value is None:
                missing.append(key)
            else:
                found[key] = value
        return found, missing

    def put(self, key: K, value: V, size: int = 0) -> None:
        if self.max_entries <= 0 or size > self.max_size:
            return
        with self._lock:
            # Dropped first, so that a replaced entry's old size never pushes another one out.
            self._items.pop(key, None)
            self._items[key] = (value, size)  # evicts down to max_size
            while len(self._items) > self.max_entries:
                self._items.popitem()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
