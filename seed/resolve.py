"""Resolve a note's code reference to the codes it denotes, as the smallest covering set.

``E08.-`` -> [E08]; ``N18.1-N18.6`` -> [N18.1, N18.2, N18.3, N18.4, N18.5, N18.6] (N18.30-N18.32
are covered by N18.3); ``A00-B99`` -> [chapter 1]; ``A00-A09`` -> [block A00-A09];
``T36-T50 with fifth or sixth character 5`` -> the codes in T36-T50 whose 5th or 6th character is
5, each taken at its highest level (T36.0X5, whose 7th-character children it covers).

A reference to a code that the release does not hold resolves to no codes; the reference text is
kept, so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from seed.references import Reference
from seed.tabular import Node, lookup_key

_ORDINALS = {
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6,
    "seventh": 7, "7th": 7,
}
_QUALIFIER = re.compile(
    r"with\s+(?P<pos>(?:(?:fourth|fifth|sixth|seventh|[4-7]th)(?:\s+or\s+|\s*,\s*|\s+and\s+)?)+)"
    r"\s*characters?\s+(?-i:(?P<chars>[0-9A-Z](?:\s*-\s*[0-9A-Z])?))\b",
    re.IGNORECASE,
)


def qualifier_filter(qualifier: str | None) -> tuple[set[int], set[str]] | None:
    """``with fifth or sixth character 1-4`` -> ({5, 6}, {'1','2','3','4'}); None if unreadable."""
    if not qualifier:
        return None
    m = _QUALIFIER.search(qualifier)
    if not m:
        return None
    positions = {_ORDINALS[w.lower()] for w in re.findall(r"\w+", m.group("pos"))
                 if w.lower() in _ORDINALS}
    spec = m.group("chars").replace(" ", "").upper()
    if "-" in spec:
        lo, hi = spec.split("-")
        chars = {chr(c) for c in range(ord(lo), ord(hi) + 1)}
    else:
        chars = {spec}
    return positions, chars


class Resolver:
    """Resolves references against one parsed release."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.nodes = nodes
        self.by_key = {n.key: i for i, n in enumerate(nodes)}
        self.chapters = {n.code: i for i, n in enumerate(nodes) if n.level == "CHAPTER"}
        self.last_desc = self._last_descendants()

    def _last_descendants(self) -> list[int]:
        last = list(range(len(self.nodes)))
        for i in range(len(self.nodes) - 1, -1, -1):
            kids = self.nodes[i].children
            if kids:
                last[i] = last[kids[-1]]
        return last

    def _find(self, code: str) -> int | None:
        key = lookup_key(code)
        idx = self.by_key.get(key)
        if idx is None and "-" in code:  # a block written as a range
            idx = self.by_key.get(key.replace(" ", ""))
        return idx

    def resolve(self, ref: Reference) -> list[int]:
        if ref.chapter:
            idx = self.chapters.get(ref.start)
            return [] if idx is None else [idx]
        start = self._find(ref.start)
        if ref.start == ref.end:
            if start is None:
                return []
            span = range(start, self.last_desc[start] + 1)
            selected = self._apply(span, qualifier_filter(ref.qualifier))
            return selected if selected is not None else [start]
        block = self.by_key.get(f"{lookup_key(ref.start)}-{lookup_key(ref.end)}")
        if block is not None and not ref.qualifier:
            return [block]
        end = self._find(ref.end)
        flt = qualifier_filter(ref.qualifier)
        if start is None or end is None:
            members = self._by_key_range(lookup_key(ref.start), lookup_key(ref.end))
            selected = self._apply(members, flt)
            return selected if selected is not None else self._cover(set(members))
        if end < start:
            return []
        span = range(start, self.last_desc[end] + 1)
        selected = self._apply(span, flt)
        return selected if selected is not None else self._cover(set(span))

    def _by_key_range(self, lo: str, hi: str) -> list[int]:
        """Codes between two keys when an end is not in the release (``R10.1-R10.4-`` after
        R10.4 was expanded): compare keys, each cut to the length of the end it is checked
        against."""
        return [i for i, n in enumerate(self.nodes)
                if n.level not in ("CHAPTER", "BLOCK")
                and n.key[: len(lo)] >= lo and n.key[: len(hi)] <= hi and len(n.key) >= len(lo)]

    def _apply(
        self, span: Sequence[int], flt: tuple[set[int], set[str]] | None
    ) -> list[int] | None:
        if flt is None:
            return None
        positions, chars = flt
        hits = set()
        for i in span:
            key = self.nodes[i].key
            if any(len(key) >= p and key[p - 1] in chars for p in positions):
                hits.add(i)
        return self._cover(hits)

    def _cover(self, members: set[int]) -> list[int]:
        """Close ``members`` upwards (a parent whose children are all in) and keep the tops."""
        changed = True
        while changed:
            changed = False
            parents = {self.nodes[i].parent for i in members} - {None} - members
            for p in parents:
                assert p is not None
                if all(c in members for c in self.nodes[p].children):
                    members.add(p)
                    changed = True
        return sorted(i for i in members if self.nodes[i].parent not in members)
