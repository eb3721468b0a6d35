"""One thread-safe LRU, bounded in entries and in total size, for every in-memory cache here:
query results (``service.caching``), persisted query texts (``service.persisted``) and prepared
answers (``service.fastpath``)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedLRU(Generic[K, V]):
    """Least recently used entries go first once there are more than ``max_entries`` or their
    sizes (as given to ``put``) add up to more than ``max_size``. An entry larger than
    ``max_size`` on its own is not kept."""

    def __init__(self, max_entries: int, max_size: int) -> None:
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_size = max_size
        self.size = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: K, value: V, size: int) -> None:
        if self.max_entries <= 0 or size > self.max_size:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (value, size)
            self.size += size
            while len(self._items) > self.max_entries or self.size > self.max_size:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def __len__(self) -> int:
        return len(self._items)
