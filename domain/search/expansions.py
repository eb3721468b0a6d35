"""The curated tables of abbreviations (``data/abbreviations.tsv``) and lay terms
(``data/synonyms.tsv``): a phrase a coder types, and the tabular's words for it.

A row is ``phrase<TAB>expansion | another expansion[<TAB>flags]``. Phrases and expansions are
folded like any query (lower case, stop words dropped). Flags, space-separated:

- ``caps``: the phrase is also an English word (``AS``, ``PE``): it expands only when typed in
  capitals, or when the word is otherwise unknown;
- ``only``: the typed words are no reading of their own, only the expansions are: where the
  index holds the typed word for a whole family ("appendectomy" on every code of two tables),
  the expansion says which of them the word means (``resection appendix``).

A code system may add tables of its own (``CodeSystemSpec.search_expansions``), read for its
releases only: a phrase there takes the place of the shared tables' reading of it (in HCPCS,
``ALS`` is advanced life support, not amyotrophic lateral sclerosis).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from domain.search.analysis import STOPWORDS, words

DATA = Path(__file__).resolve().parent / "data"
TABLES = ("abbreviations.tsv", "synonyms.tsv")
FLAGS = frozenset({"caps", "only"})


@dataclass(frozen=True, slots=True)
class Expansion:
    phrase: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    caps: bool
    source: str
    only: bool = False  # the expansions alone, not the typed words


def content_words(text: str) -> tuple[str, ...]:
    found = words(text)
    return tuple(w for w in found if w not in STOPWORDS) or tuple(found)


def read_table(path: Path) -> list[Expansion]:
    rows: list[Expansion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        flags = set(cells[2].split()) if len(cells) == 3 else set()
        if len(cells) not in (2, 3) or (len(cells) == 3 and not flags) or flags - FLAGS:
            raise ValueError(f"{path.name}:{number}: expected phrase<TAB>expansions"
                             "[<TAB>caps|only]")
        alternatives = tuple(content_words(alt) for alt in cells[1].split("|"))
        rows.append(Expansion(content_words(cells[0]), alternatives, "caps" in flags,
                              f"{path.name}:{number}", "only" in flags))
    return rows


def _merged(paths: Sequence[Path]) -> dict[tuple[str, ...], Expansion]:
    """The phrases of the tables; a phrase listed twice keeps all its expansions."""
    table: dict[tuple[str, ...], Expansion] = {}
    for path in paths:
        for row in read_table(path):
            known = table.get(row.phrase)
            if known is not None:
                row = Expansion(row.phrase, known.alternatives + row.alternatives,
                                known.caps and row.caps, known.source, known.only and row.only)
            table[row.phrase] = row
    return table


@lru_cache(maxsize=8)
def expansions(own: tuple[Path, ...] = ()) -> dict[tuple[str, ...], Expansion]:
    """Every phrase of both shared tables, and of a system's ``own`` tables, which replace the
    shared reading of a phrase they list."""
    table = _merged([DATA / name for name in TABLES])
    if own:
        table = {**table, **_merged(own)}
    return table


@lru_cache(maxsize=8)
def longest_phrase(own: tuple[Path, ...] = ()) -> int:
    return max((len(p) for p in expansions(own)), default=1)


@lru_cache(maxsize=8)
def phrase_words(own: tuple[Path, ...] = ()) -> tuple[frozenset[str], frozenset[str]]:
    """The words of the phrases of a system's ``own`` tables, and of every phrase it reads."""
    mine = frozenset(w for path in own for row in read_table(path) for w in row.phrase)
    return mine, frozenset(w for phrase in expansions(own) for w in phrase)
