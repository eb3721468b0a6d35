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
from collections.abc import Callable, Sequence

from domain.parsed import Node
from domain.vocabulary import HEADER_LEVELS, CodeLevel
from systems.icd10cm.references import Reference
from systems.icd10cm.tabular import lookup_key

_ORDINALS = {
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "six": 6, "6th": 6,
    "seventh": 7, "7th": 7,
}
_ORD = r"(?:fourth|fifth|sixth|six|seventh|[4-7]th)"
_POSITIONAL = re.compile(
    rf"with\s+(?:a\s+)?(?P<pos>{_ORD}(?:(?:\s+or\s+|\s*,\s*|\s+and\s+|\s+to\s+){_ORD})*)"
    r"[\s-]*characters?\s+(?:of\s+)?(?-i:(?P<chars>\.?[0-9A-Z]+(?:\s*(?:-|through|or|,)\s*"
    r"[0-9A-Z]+)*))\b",
    re.IGNORECASE,
)
_SUFFIXES = re.compile(r"^with\s+(?:final\s+characters?\s+)?(?P<list>[.\-][0-9A-Z].*)$",
                       re.IGNORECASE)
_FINAL = re.compile(r"^with\s+final\s+characters?\s+(?P<tail>[0-9A-Z]+)$", re.IGNORECASE)

KeyFilter = Callable[[str], bool]


def _char_set(spec: str) -> set[str]:
    """``1-4 or 6`` -> {1, 2, 3, 4, 6}; ``1 through 9``; ``B or C``."""
    out: set[str] = set()
    for part in re.split(r"\s*(?:,|\bor\b)\s*", spec.replace(".", "")):
        bounds = re.split(r"\s*(?:-|through)\s*", part.strip())
        if len(bounds) == 2 and all(len(b) == 1 for b in bounds):
            out |= {chr(c) for c in range(ord(bounds[0]), ord(bounds[1]) + 1)}
        elif len(bounds) == 2 and all(b.isdigit() and len(b) == len(bounds[0]) for b in bounds):
            width = len(bounds[0])
            out |= {str(n).zfill(width) for n in range(int(bounds[0]), int(bounds[1]) + 1)}
        elif part.strip():
            out.add(part.strip())
    return out


def qualifier_filter(qualifier: str | None) -> KeyFilter | None:
    """A test on lookup keys for a reference's ``with ...`` qualifier; None if it names no
    characters (``with ketoacidosis``), in which case the plain range applies.

    ``with fifth or sixth character 1-4``: the 5th or 6th character is 1..4;
    ``with fifth to sixth characters 51``: characters 5-6 are "51";
    ``with .17, .27, .97`` / ``with final characters .00 or .01``: the part after the dot is one
    of these (``.62-``: starts with 62); ``with final characters -23``: the code ends in 23.
    """
    if not qualifier:
        return None
    q = " ".join(qualifier.split())
    m = _POSITIONAL.search(q)
    if m:
        positions = sorted({_ORDINALS[w.lower()] for w in re.findall(r"\w+", m.group("pos"))
                            if w.lower() in _ORDINALS})
        chars = _char_set(m.group("chars"))
        if " to " in m.group("pos").lower() and len(positions) == 2:
            lo, hi = positions
            return lambda key: key[lo - 1 : hi] in chars
        single = {c for c in chars if len(c) == 1}
        return lambda key: any(len(key) >= p and key[p - 1] in single for p in positions)
    m = _FINAL.match(q)
    if m:
        tail = m.group("tail")
        return lambda key: key.endswith(tail)
    m = _SUFFIXES.match(q)
    if m:
        items = [i for i in re.split(r"[\s,]+|\bor\b", m.group("list")) if i]
        if all(i.startswith("-") for i in items):
            tails = tuple(i[1:] for i in items)
            return lambda key: key.endswith(tails)
        exact, prefixes = set(), []
        for item in items:
            for piece in _char_set(item) if re.search(r"\d-\.", item) else {item}:
                body = piece.strip(".")
                if body.endswith("-"):
                    prefixes.append(body[:-1])
                elif body:
                    exact.add(body)
        return lambda key: key[3:] in exact or key[3:].startswith(tuple(prefixes) or ("\0",))
    return None


class Resolver:
    """Resolves references against one parsed release."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.nodes = nodes
        self.by_key = {n.key: i for i, n in enumerate(nodes)}
        self.chapters = {n.code: i for i, n in enumerate(nodes) if n.level == CodeLevel.CHAPTER}
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
                if n.level not in HEADER_LEVELS
                and n.key[: len(lo)] >= lo and n.key[: len(hi)] <= hi and len(n.key) >= len(lo)]

    def _apply(self, span: Sequence[int], flt: KeyFilter | None) -> list[int] | None:
        if flt is None:
            return None
        return self._cover({i for i in span if flt(self.nodes[i].key)})

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
