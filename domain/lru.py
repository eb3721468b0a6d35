"""One thread-safe LRU, bounded in entries and in total size, for every in-memory cache here:
query results (``service.caching``), persisted query texts (``service.persisted``), prepared
answers (``service.fastpath``), parsed search documents (``domain.search.ranking``), each
release's search dictionary (``domain.search.lexicon``), credentials checked lately
(``domain.metering.authenticator``), and the codes, notes and NCCI edits that validations read
(``domain.rows.ReleaseRows``, ``domain.ncci.kept_mues``).

An ``OrderedDict`` under a lock, not ``cachetools.LRUCache``: the fast path makes two gets a
request (the credentials checked lately, then the prepared answer), and cachetools' ``get`` (four
Python calls and two lookups, 360 ns here against 230) cost the fast path a few per cent of its
throughput (``python -m bench``: lookup/bare).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T", bound=Hashable)  # a key within a scope (``kept``)


class BoundedLRU(Generic[K, V]):
    """Least recently used entries go first once there are more than ``max_entries`` or their
    sizes (as given to ``put``) add up to more than ``max_size``. An entry larger than
    ``max_size`` on its own is not kept; with ``max_entries <= 0`` nothing is. Without a
    ``max_size`` (or a size to ``put``), only the number of entries is bounded."""

    def __init__(self, max_entries: int, max_size: int = sys.maxsize) -> None:
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_size = max_size
        self.size = 0  # the sizes of the entries kept, added up

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def peek(self, key: K) -> V | None:
        """``get`` without making the entry the most recently used, and without the lock (one
        read of the dictionary, atomic): for entries whose recency is their last ``put`` (the
        fast path's checked credentials, renewed by the long way every recheck interval)."""
        item = self._items.get(key)
        return None if item is None else item[0]

    def get_many(self, keys: Iterable[K]) -> list[V | None]:
        """``get`` of each key, under one acquisition of the lock."""
        found: list[V | None] = []
        items = self._items
        with self._lock:
            for key in keys:
                item = items.get(key)
                if item is None:
                    found.append(None)
                else:
                    items.move_to_end(key)
                    found.append(item[0])
        return found

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
        items = self._items
        with self._lock:
            # Dropped first, so that a replaced entry's old size never pushes another one out.
            old = items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            items[key] = (value, size)
            self.size += size
            while len(items) > self.max_entries or self.size > self.max_size:
                self.size -= items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)
