"""The curated tables of abbreviations (``data/abbreviations.tsv``) and lay terms
(``data/synonyms.tsv``): a phrase a coder types, and the tabular's words for it.

A row is ``phrase<TAB>expansion | another expansion[<TAB>caps]``. Phrases and expansions are
folded like any query (lower case, stop words dropped). A ``caps`` row is also an English word
(``AS``, ``PE``): it expands only when typed in capitals, or when the word is otherwise unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from domain.search.analysis import STOPWORDS, words

DATA = Path(__file__).resolve().parent / "data"
TABLES = ("abbreviations.tsv", "synonyms.tsv")


@dataclass(frozen=True, slots=True)
class Expansion:
    phrase: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    caps: bool
    source: str


def content_words(text: str) -> tuple[str, ...]:
    found = words(text)
    return tuple(w for w in found if w not in STOPWORDS) or tuple(found)


def read_table(path: Path) -> list[Expansion]:
    rows: list[Expansion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) not in (2, 3) or (len(cells) == 3 and cells[2] != "caps"):
            raise ValueError(f"{path.name}:{number}: expected phrase<TAB>expansions[<TAB>caps]")
        alternatives = tuple(content_words(alt) for alt in cells[1].split("|"))
        rows.append(Expansion(content_words(cells[0]), alternatives, len(cells) == 3,
                              f"{path.name}:{number}"))
    return rows


@lru_cache(maxsize=1)
def expansions() -> dict[tuple[str, ...], Expansion]:
    """Every phrase of both tables; a phrase listed twice keeps all its expansions."""
    table: dict[tuple[str, ...], Expansion] = {}
    for name in TABLES:
        for row in read_table(DATA / name):
            known = table.get(row.phrase)
            if known is not None:
                row = Expansion(row.phrase, known.alternatives + row.alternatives,
                                known.caps and row.caps, known.source)
            table[row.phrase] = row
    return table


@lru_cache(maxsize=1)
def longest_phrase() -> int:
    return max((len(p) for p in expansions()), default=1)
