"""The nearest real codes to a code that does not exist: typos, missing placeholders, transposed
characters.

Candidates come from the release in at most two statements for any number of unknown codes: every
code sharing the first three characters (the category) of an unknown code, and, for those whose
category itself is wrong, every code sharing the first two. Each unknown code is then compared
only with a bounded set of them (its neighbours in key order, its one-edit variants and its
placeholder completion), so the work stays small even for a claim of 500 unknown codes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA
from sqlalchemy import Connection, or_, select
from sqlmodel import col

from domain.models import Code
from domain.vocabulary import CodeLevel

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NOT_ALNUM = re.compile(r"[^0-9A-Z]")
MAX_KEY = 8  # ICD-10-CM codes have at most 7 characters
WINDOW = 30  # neighbours on each side, in key order
CODE_LEVELS = (CodeLevel.CATEGORY, CodeLevel.SUBCATEGORY, CodeLevel.CODE)


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    billable: bool
    sort_order: int


def fuzzy_key(key: str) -> str:
    """The part of an unknown key worth comparing: letters and digits, at most 8."""
    return NOT_ALNUM.sub("", key.upper())[:MAX_KEY]


def _fetch(conn: Connection, release_id: int, prefixes: Iterable[str]) -> list[Candidate]:
    wanted = sorted(set(prefixes))
    if not wanted:
        return []
    # A range per prefix uses the (release_id, key) index on both databases; keys are upper-case
    # letters and digits, so every key starting with P lies between P and P + "ZZZZZZZZ".
    ranges = [col(Code.key).between(p, p + "Z" * MAX_KEY) for p in wanted]
    stmt = select(col(Code.key), col(Code.billable), col(Code.sort_order)).where(
        col(Code.release_id) == release_id, col(Code.level).in_(CODE_LEVELS), or_(*ranges)
    )
    return [Candidate(k, bool(b), o) for k, b, o in conn.execute(stmt)]


def osa_distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), rapidfuzz's."""
    return int(OSA.distance(a, b))


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
    out |= {a + c + b for a, b in splits for c in ALPHABET}
    return out


def _placeholder_completion(word: str) -> str | None:
    """``S301A`` -> ``S301XXA``: the 7th character typed without its placeholder X's."""
    if 4 <= len(word) < 7 and word[-1].isalpha():
        return word[:-1] + "X" * (7 - len(word)) + word[-1]
    return None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class Group:
    """The candidates sharing one prefix, sorted by key."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.items = sorted(candidates, key=lambda c: c.key)
        self.keys = [c.key for c in self.items]
        self.by_key = {c.key: c for c in self.items}

    def nearest(self, word: str, limit: int) -> list[str]:
        i = bisect_left(self.keys, word)
        pool = {c.key: c for c in self.items[max(0, i - WINDOW): i + WINDOW]}
        extra = _edits1(word)
        completion = _placeholder_completion(word)
        if completion:
            extra.add(completion)
        for k in extra:
            c = self.by_key.get(k)
            if c is not None:
                pool[k] = c
        scored = [(osa_distance(word, c.key), c) for c in pool.values()]
        if not scored:
            return []
        best = min(d for d, _ in scored)
        close = [(d, c) for d, c in scored if d <= best + 1]
        close.sort(key=lambda dc: (not dc[1].billable, dc[0],
                                   -_common_prefix(word, dc[1].key), dc[1].sort_order))
        return [c.key for _, c in close[:limit]]


def nearest_codes(conn: Callable[[], Connection], release_id: int, words: Sequence[str],
                  limit: int) -> dict[str, list[str]]:
    """For each word (a cleaned unknown key), the keys of the nearest codes, best first."""
    answers: dict[str, list[str]] = {w: [] for w in words}
    pending = [w for w in answers if len(w) >= 2]
    for width in (3, 2):
        todo = [w for w in pending if len(w) >= width]
        if not todo:
            continue
        groups: dict[str, list[Candidate]] = {w[:width]: [] for w in todo}
        for cand in _fetch(conn(), release_id, groups):
            bucket = groups.get(cand.key[:width])
            if bucket is not None:
                bucket.append(cand)
        built = {p: Group(cands) for p, cands in groups.items() if cands}
        for w in todo:
            group = built.get(w[:width])
            if group is not None:
                answers[w] = group.nearest(w, limit)
        pending = [w for w in pending if not answers[w]]
    return answers
