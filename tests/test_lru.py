"""The one LRU behind every in-process cache (``domain.lru.BoundedLRU``): its bounds and its
order, as the caches rely on them."""

from __future__ import annotations

import threading

from domain.lru import BoundedLRU


def test_bounded_in_entries_least_recently_used_first() -> None:
    lru: BoundedLRU[str, int] = BoundedLRU(3)
    for i, key in enumerate("abc"):
        lru.put(key, i)
    assert lru.get("a") == 0  # now the most recent
    lru.put("d", 3)
    assert [lru.get(k) for k in "abcd"] == [0, None, 2, 3]
    assert len(lru) == 3


def test_bounded_in_size_and_a_replaced_entry_gives_its_size_back() -> None:
    lru: BoundedLRU[str, str] = BoundedLRU(100, max_size=10)
    lru.put("a", "x", 4)
    lru.put("b", "y", 4)
    assert lru.size == 8
    lru.put("a", "z", 6)  # replaced: 6 + 4, nothing else has to go
    assert (lru.get("a"), lru.get("b"), lru.size) == ("z", "y", 10)
    lru.put("c", "w", 3)  # 13 > 10: the least recent ("a", read before "b") goes
    assert (lru.get("a"), lru.get("b"), lru.get("c"), lru.size) == (None, "y", "w", 7)
    lru.put("big", "v", 11)  # larger than the bound on its own: not kept, nothing dropped
    assert (lru.get("big"), len(lru), lru.size) == (None, 2, 7)
    lru.clear()
    assert (len(lru), lru.size) == (0, 0)


def test_nothing_kept_without_entries() -> None:
    lru: BoundedLRU[str, int] = BoundedLRU(0)
    lru.put("a", 1)
    assert (lru.get("a"), len(lru)) == (None, 0)


def test_get_many_and_kept_refresh_recency_peek_does_not() -> None:
    lru: BoundedLRU[object, int] = BoundedLRU(3)
    for i, key in enumerate("abc"):
        lru.put(key, i)
    assert lru.get_many(["a", "x"]) == [0, None]
    assert lru.peek("b") == 1  # read, but still the least recent
    lru.put("d", 3)
    assert (lru.get("b"), lru.get("a")) == (None, 0)
    lru.put(("scope", 1), 10)
    assert lru.kept("scope", [1, 2, 1]) == ({1: 10}, [2])


def test_threads_keep_the_bounds() -> None:
    lru: BoundedLRU[int, int] = BoundedLRU(50, max_size=200)

    def work(offset: int) -> None:
        for i in range(2_000):
            lru.put(offset + i % 97, i, i % 7)
            lru.get(offset + (i * 7) % 97)

    threads = [threading.Thread(target=work, args=(n * 1000,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(lru) <= 50 and lru.size <= 200
    assert lru.size == sum(size for _, size in lru._items.values())
