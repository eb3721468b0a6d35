"""A release's search dictionary in memory: its words, their stems and document frequencies.

Loaded once per process and release from ``search_term`` (a few thousand rows) and
``search_spelling`` (the typo index, see ``domain/search/spelling.py``), about 5 MB in memory,
it answers in microseconds:

- whether a stem is indexed, and whether any indexed stem starts with a prefix (autocomplete);
- the indexed words within one or two edits of a word the index does not know (``pnuemonia``,
  ``diabtes``): a symmetric-delete index (SymSpell) holds every string two deletions away from
  each word, as sorted 64-bit hashes; a query word's own deletions are looked up there, and the
  candidates are checked with the optimal-string-alignment distance.
"""

from __future__ import annotations

import math
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import InitVar, dataclass, field
from typing import Any

from rapidfuzz.distance import OSA
from sqlalchemy import Connection, text

from domain.lru import BoundedLRU
from domain.search import spelling
from domain.search.spelling import deletions, max_edits
from domain.search.stemmer import stem

# Derivational endings: words that differ only by one (degenerat-ive, degenerat-ion) are
# variants of each other even where Porter's stems part.
DERIVATIONS = ("ation", "ative", "ition", "ement", "ment", "ance", "ence", "ical", "ious", "ory",
               "ive", "ion", "ing", "ity", "ous", "ic", "ed", "ia", "y")


def roots(word: str) -> set[str]:
    """The word less each derivational ending it has, where six letters remain."""
    return {word[: -len(e)] for e in DERIVATIONS
            if word.endswith(e) and len(word) - len(e) >= 6}


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a transposition is one edit), or limit + 1."""
    return OSA.distance(a, b, score_cutoff=limit)


@dataclass(slots=True)
class Lexicon:
    word_stem: dict[str, str]  # str -> str and str -> int dicts: no work for the garbage
    word_df: dict[str, int]  # collector, however large
    documents: int
    id_range: tuple[int, int]  # the release's search_entry ids, inclusive
    stem_df: dict[str, int] = field(default_factory=dict)
    stems: list[str] = field(default_factory=list)  # sorted
    _spell_words: list[str] = field(default_factory=list)
    _deletions: array = field(default_factory=lambda: array("q"))
    _max_df: int = 1
    _shares: dict[str, float] = field(default_factory=dict)
    documents_cache: Any = None  # parsed documents (domain.search.ranking.DocumentCache)
    later_codes: frozenset[int] | None = None  # the ids of codes ranked later at equal score
    free_stems: frozenset[str] = frozenset()  # stems that cost nothing (the system's spec)
    _roots: dict[str, str] = field(default_factory=dict)  # root -> stems, space-separated
    # search_spelling's format, digest and keys: read into ``_deletions`` when they fit the words
    stored_spelling: InitVar[tuple[int, int, bytes] | None] = None

    def __post_init__(self, stored_spelling: tuple[int, int, bytes] | None) -> None:
        for w, s in self.word_stem.items():
            self.stem_df[s] = max(self.word_df[w], self.stem_df.get(s, 0))
        self.stems = sorted(self.stem_df)
        self._max_df = max(self.stem_df.values(), default=1)
        found: dict[str, set[str]] = {}
        for w, s in self.word_stem.items():
            for r in roots(w):
                found.setdefault(r, set()).add(s)
        self._roots = {r: " ".join(sorted(v)) for r, v in found.items() if len(v) > 1}
        self._spell_words = spelling.spell_words(self.word_stem)
        stored = stored_spelling
        if stored is not None and stored[:2] == (spelling.FORMAT,
                                                 spelling.digest(self._spell_words)):
            self._deletions = spelling.from_bytes(stored[2])
        else:  # loaded before search_spelling existed, or by another format
            self._deletions = spelling.build(self._spell_words)

    def knows(self, stem_: str) -> bool:
        return stem_ in self.stem_df

    def prefixed(self, prefix: str) -> list[str]:
        """The indexed stems that start with ``prefix``."""
        lo = bisect_left(self.stems, prefix)
        hi = bisect_left(self.stems, prefix + "\x7f", lo)
        return self.stems[lo:hi]

    def df(self, stem_: str) -> int:
        return self.stem_df.get(stem_, 0)

    def completion_share(self, stem_: str) -> float:
        """0.9 to 1: how common a word is, on a log scale (to rank prefix completions)."""
        found = self._shares.get(stem_)
        if found is None:
            found = 0.9 + 0.1 * math.log1p(self.df(stem_)) / math.log1p(self._max_df)
            self._shares[stem_] = found
        return found

    def stem_of(self, word: str) -> str:
        known = self.word_stem.get(word)
        return known if known is not None else stem(word)

    def variants(self, word: str) -> list[str]:
        """Stems of the other derivations of ``word`` (degenerative: degeneration)."""
        own = self.stem_of(word)
        found = {v for r in roots(word) for v in self._roots.get(r, "").split(" ")}
        return sorted(v for v in found if v and v != own)

    def holds(self, word: str) -> bool:
        """Whether the index holds this word as written."""
        return word in self.word_stem

    def corrections(self, word: str) -> list[tuple[str, int]]:
        """Indexed words within the edits forgiven for ``word``, nearest and commonest first."""
        limit = max_edits(word)
        if not limit or not word.isalpha():
            return []
        owners: set[int] = set()
        table, mask = self._deletions, spelling.OWNER_MASK
        for d in deletions(word, limit):
            k = spelling.key(d)
            lo = bisect_left(table, k)
            hi = bisect_left(table, k + (1 << spelling.OWNER_BITS), lo)
            owners.update(table[j] & mask for j in range(lo, hi))
        found = []
        for i in owners:
            cand = self._spell_words[i]
            dist = osa_distance(word, cand, limit)
            if dist <= limit:
                found.append((dist, -self.word_df[cand], cand))
        found.sort()
        return [(cand, dist) for dist, _, cand in found]


# Dictionaries kept per process (about 5 MB each for ICD-10-CM or ICD-10-PCS, 0.6 s to build):
# the newest release of each system (four today), with room for older releases searched by
# date and for reloads, so that one of them does not push a newest one out.
CACHED_RELEASES = 12
_cache: BoundedLRU[tuple[int, str], Lexicon] = BoundedLRU(CACHED_RELEASES)
_loading = threading.Lock()  # one load of a release at a time, not one per request


def lexicon(conn: Connection, release_id: int) -> Lexicon:
    """The release's dictionary, read once per process and load of the release.

    Keyed by the release's load time too: a release reloaded (``seed --force``, perhaps by
    another process) may come back under the same id, with other documents under its ids.
    """
    loaded = conn.execute(
        text("SELECT loaded_at FROM release WHERE id = :r"), {"r": release_id}
    ).scalar_one_or_none()
    key = (release_id, str(loaded))
    found = _cache.get(key)
    if found is not None:
        return found
    with _loading:
        found = _cache.get(key)
        if found is None:
            found = _load(conn, release_id)
            _cache.put(key, found)
    return found


def _load(conn: Connection, release_id: int) -> Lexicon:
    rows: Iterable[Sequence[object]] = conn.execute(
        text("SELECT word, stem, df FROM search_term WHERE release_id = :r"), {"r": release_id}
    )
    word_stem: dict[str, str] = {}
    word_df: dict[str, int] = {}
    for w, s, df in rows:
        word_stem[str(w)] = str(s)
        word_df[str(w)] = int(df)  # type: ignore[call-overload]
    lo, hi, n = conn.execute(
        text("SELECT min(id), max(id), count(*) FROM search_entry WHERE release_id = :r"),
        {"r": release_id},
    ).one()
    stored = conn.execute(
        text("SELECT format, digest, deletions FROM search_spelling WHERE release_id = :r"),
        {"r": release_id},
    ).one_or_none()
    return Lexicon(word_stem, word_df, int(n or 0), (int(lo or 0), int(hi or -1)),
                   stored_spelling=None if stored is None else
                   (int(stored[0]), int(stored[1]), bytes(stored[2])))
