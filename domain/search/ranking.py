"""Scoring a document against a plan: the entry that says the query best, with least else.

For each entry (title, inclusion term, includes note, inherited entry) of a code:

    points = 100 * kind weight * (weighted share of the slots it fills, times their quality)
             - 8 * (the costs of its words the query leaves unmatched)

and a code scores its best entry's points, plus a little for slots that only its other entries
fill. A word's cost (``domain.search.analysis``) is what makes "Pneumonia, unspecified organism"
beat "Lobar pneumonia" for "pneumonia", and E11.9 "... without complications" beat E11.8 "...
with unspecified complications" for "type 2 diabetes". Titles win over inclusion terms, these
over includes notes, and those over entries inherited from a parent, at equal fit.

Where a system's index terms lead to whole families of codes alike
(``CodeSystemSpec.search_title_breaks_ties``), codes of equal score come in the order of how
well their own titles alone say the query.

Where a system's descriptors name the item first and qualify it after a comma ("Walker,
folding, wheeled"; ``CodeSystemSpec.search_qualifier_cost``), an entry whose first clause the
query says in full counts its other unmatched words at that fraction of their cost. Words a
system's titles repeat after every value of an axis (``CodeSystemSpec.search_free_words``:
ICD-10-PCS's "Open Approach") cost nothing. A retired code (kept in its release for history, no
longer in force: a document whose first line is ``R``, see ``seed/search_index.py``) is scored
like any other; the engine ranks it after the codes in force.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.lru import BoundedLRU
from domain.search.analysis import COST_OF_MARK
from domain.search.lexicon import Lexicon
from domain.search.query import Plan

KIND_WEIGHT = {"O": 1.0, "I": 0.97, "N": 0.95, "B": 0.95, "L": 0.95}  # L: a level's word
INHERITED = 0.99  # per step up: a default child says what its parent says
EXTRA = 8.0
UNION = 0.3
BILLABLE = 3.0  # at equal fit, the code a claim can carry comes first
PREFIX = 0.9  # a word completed from its first letters, at best
UNASSERTED = 0.97  # a word matched only where the title does not assert it: "(primary)",
# "not specified as acute or chronic"
RETIRED_MARK = "R"  # the first line of a retired code's document
CACHE_SIZE = 8192


@dataclass(frozen=True, slots=True)
class Entry:
    weight: float
    costs: tuple[float, ...]
    total: float
    where: dict[str, tuple[int, ...]]  # stem -> its positions
    head: int = 0  # the words of its first clause, when it has several


@dataclass(frozen=True, slots=True)
class Document:
    entries: tuple[Entry, ...]
    retired: bool = False


class DocumentCache:
    """Parsed documents by id (a release's documents never change under an id), the
    ``size`` most recently used."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._docs: BoundedLRU[int, Document] = BoundedLRU(size)

    def get(self, doc_id: int, body: str, lex: Lexicon) -> Document:
        found = self._docs.get(doc_id)
        if found is None:
            found = parse(body, lex)
            self._docs.put(doc_id, found)
        return found


def parse(body: str, lex: Lexicon) -> Document:
    entries = []
    lines = body.split("\n")
    retired = lines[0] == RETIRED_MARK
    for line in lines[retired:]:
        kind, *toks = line.split(" ")
        letters = kind.rstrip("0123456789")
        head = int(kind[len(letters):] or 0)
        kind = letters
        where: dict[str, list[int]] = {}
        costs = []
        free = lex.free_stems
        for j, t in enumerate(toks):
            cost = COST_OF_MARK.get(t[0])
            if cost is None:
                cost = 1.0
            else:
                t = t[1:]
            s = lex.stem_of(t)
            where.setdefault(s, []).append(j)
            costs.append(0.0 if free and s in free else cost)
        hops = kind.count("H")
        weight = KIND_WEIGHT.get(kind[hops:], 0.9) * INHERITED ** hops
        entries.append(Entry(weight, tuple(costs), sum(costs),
                             {k: tuple(v) for k, v in where.items()}, head))
    return Document(tuple(entries), retired)


def score(doc: Document, plan: Plan, billable: bool, lex: Lexicon) -> float:
    return fit(doc, plan, billable, lex)[0]


def fit(doc: Document, plan: Plan, billable: bool, lex: Lexicon) -> tuple[float, float]:
    """The document's score, and the points of its first entry (its own title) alone."""
    total = plan.total_weight
    entries = doc.entries
    qualifier = plan.qualifier_cost
    best, best_share = -1e9, 0.0
    title = -1e9
    union: dict[int, float] = {}
    for e in entries:
        covered: set[int] = set()
        share = 0.0
        for si, slot in enumerate(plan.slots):
            q = 0.0
            hit: tuple[int, ...] | list[int] = ()
            for alt in slot.alts:
                aq, idx = _match(alt.terms, alt.prefix, e, lex)
                if aq and aq * alt.quality > q:
                    q, hit = aq * alt.quality, idx
            if q:
                if all(e.costs[j] == 0.0 for j in hit):
                    q *= UNASSERTED
                share += slot.weight * q
                covered.update(hit)
                if q > union.get(si, 0.0):
                    union[si] = q
        share /= total
        extra = e.total - sum(e.costs[j] for j in covered)
        if qualifier != 1.0 and e.head and all(j in covered or not e.costs[j]
                                               for j in range(e.head)):
            extra *= qualifier  # the entry's first clause said in full: the rest qualifies it
        points = 100.0 * e.weight * share - EXTRA * extra
        if e is entries[0]:
            title = points
        if points > best:
            best, best_share = points, share
    union_share = sum(plan.slots[i].weight * q for i, q in union.items()) / total
    return (best + UNION * 100.0 * max(0.0, union_share - best_share)
            + (BILLABLE if billable else 0.0)), title


def _match(terms: tuple[str, ...], prefix: bool, e: Entry,
           lex: Lexicon) -> tuple[float, tuple[int, ...] | list[int]]:
    """(quality, matched word positions); quality 0 when a term is missing."""
    where = e.where
    if len(terms) == 1 and not prefix:
        found = where.get(terms[0])
        return (1.0, found) if found is not None else (0.0, ())
    quality = 1.0
    last = len(terms) - 1
    positions: list[int] = []
    for i, t in enumerate(terms):
        found = where.get(t)
        if found is not None:
            positions.extend(found)
        elif prefix and i == last:
            share = 0.0
            for s, at in where.items():
                if s.startswith(t):
                    positions.extend(at)
                    share = max(share, lex.completion_share(s))
            if not share:
                return 0.0, ()
            # The commoner completion is the likelier ("pneumo": pneumonia, not pneumocystosis).
            quality = PREFIX * share
        else:
            return 0.0, ()
    return quality, positions
