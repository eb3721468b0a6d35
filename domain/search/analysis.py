"""Text analysis shared by the index and the query: words, their stems, and what a word costs.

A title's word *costs* something when a query leaves it unmatched: the more of an entry the query
leaves unsaid, the worse the entry fits. The tabular's conventions say which words say nothing
more than the words around them, and so cost less or nothing:

- ``(nonessential modifiers)`` and ``[synonyms]`` in brackets cost nothing;
- ``unspecified``, ``NOS``, ``not elsewhere classified`` cost nothing, nor does the generic noun
  they qualify (``unspecified organism``, ``site not specified``, ``unspecified ear``), nor
  what a code leaves open (``unspecified whether with hypoxia or hypercapnia``);
- the second word of a fixed pair costs nothing (*mellitus* after *diabetes*: the index finds
  words that only ever follow one word);
- a negated clause (``without perforation or abscess``, ``not intractable``) and
  ``uncomplicated`` cost little, however long: the default a coder picks when the chart says
  nothing more;
- ``specified`` costs a little; ``other`` costs like any word: "Other X" is what the words
  point to only when they say what no sibling says;
- a word that confines a code to a population (*pregnancy*, *newborn*) costs double;
- a hyphenated word costs as one word, its parts sharing the cost (``hypo-osmolality``).

Stored entries keep the words (lower case) with a one-character mark for the cost, e.g.
``O type 2 diabetes mellitus -without -complications``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from domain.search.stemmer import stem

STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "due", "for", "from", "in", "into", "is",
    "it", "its", "of", "on", "or", "the", "their", "this", "to", "was", "which", "with",
})
FREE = frozenset({"unspecified", "nos", "unsp", "nec"})
NOT_PHRASES = frozenset({"specified", "elsewhere", "otherwise"})  # "not specified", ...
NEGATORS = frozenset({"without", "not"})
UNDETERMINED = frozenset({"whether", "as"})
FACETS = frozenset({
    "site", "sites", "organism", "organisms", "type", "part", "parts", "side", "region",
    "location", "cause", "causes", "severity", "stage", "degree", "episode", "level", "agent",
    "substance", "trimester", "ear", "eye", "laterality", "limb", "joint", "bone", "mechanism",
    "intent", "origin", "place", "kind", "form", "body", "classified", "control",
})
LOW = frozenset({"specified", "uncomplicated"})
# Words that confine a code to a population: a code for pregnancy or the newborn is what the
# words point to only when they say so.
POPULATION = frozenset({
    "pregnancy", "puerperium", "puerperal", "childbirth", "newborn", "neonatal", "perinatal",
    "fetus", "fetal", "maternal", "postpartum", "antepartum", "intrapartum", "obstetric",
    "gestation",
})
CONFINING = 2.0

# A word's cost as its mark in a stored entry (a hyphenated word's parts share its cost).
MARKS = {0.0: "~", 0.1: "_", 0.3: "-", 0.5: "=", CONFINING: "+"}
COST_OF_MARK = {v: k for k, v in MARKS.items()}

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|[()\[\],;:]")
_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"(?<=[a-z])['\u2019]s\b")
_CLAUSE_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # _TOKEN's words
_SEPARATOR = re.compile(r"[,;:]")
# Without any of these words (or brackets), each word of a clause costs 1.
_PLAIN = FREE | NOT_PHRASES | NEGATORS | LOW | POPULATION


def fold(text: str) -> str:
    """Lower case, without accents and possessives (``Ménière's`` -> ``meniere``)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    return _POSSESSIVE.sub("", text) if "'" in text or "\u2019" in text else text


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def entry_tokens(text: str) -> list[tuple[str, float]]:
    """The words of a title or term with their costs (stop words dropped)."""
    return _tokens(fold(text))[0]


def entry_tokens_and_head(text: str) -> tuple[list[tuple[str, float]], int]:
    """``entry_tokens(text)`` and ``head_size(text)``, reading the text once.

    ``head_size`` folds again the parts of the folded text before and after its first
    separator, which for ASCII changes nothing: they hold the text's first clause and its other
    clauses. A text that is not ASCII once folded (rare) goes through ``head_size`` itself."""
    folded = fold(text)
    if not folded.isascii():
        return _tokens(folded)[0], head_size(text)
    return _tokens(folded)


def head_size(text: str) -> int:
    """How many of the entry's words (``entry_tokens``) its first clause holds, when it has more
    than one (``Walker, folding, wheeled``: 1); 0 for an entry of one clause."""
    folded = fold(text)
    depth = 0
    for m in _TOKEN.finditer(folded):
        tok = m.group()
        if tok in "([":
            depth += 1
        elif tok in ")]":
            depth = max(0, depth - 1)
        elif tok in ",;:" and depth == 0:
            head = len(entry_tokens(folded[: m.start()]))
            rest = len(entry_tokens(folded[m.end():]))
            return head if head and rest else 0
    return 0


def _tokens(folded: str) -> tuple[list[tuple[str, float]], int]:
    """A folded text's ``entry_tokens``, and how many of them its first clause holds when
    others follow (else 0)."""
    out: list[tuple[str, float]] = []
    hyphens = "-" in folded
    head = -1
    for words_, bracketed in _clauses(folded):
        if bracketed is None or not any(bracketed):
            if _PLAIN.isdisjoint(words_):  # the common case: every word costs 1
                costs: Iterable[tuple[str, float]] = [(w, 1.0) for w in words_
                                                      if w not in STOPWORDS]
            else:
                costs = _clause_costs([(w, False) for w in words_])
        else:
            costs = _clause_costs(list(zip(words_, bracketed, strict=True)))
        if hyphens:
            for word, cost in costs:
                if "-" not in word:
                    out.append((word, cost))
                    continue
                parts = [p for p in word.split("-") if p not in STOPWORDS] \
                    or [word.replace("-", "")]
                mark = _share(cost, len(parts))
                out.extend((p, mark) for p in parts)
        else:
            out.extend(costs)
        if head < 0:
            head = len(out)
    return out, head if head < len(out) else 0


@lru_cache(maxsize=256)
def _share(cost: float, parts: int) -> float:
    """The cost of each part of a hyphenated word, rounded to a mark."""
    share = cost / parts
    return min(MARKS, key=lambda m: abs(m - share)) if share < 1 else share


def _clauses(folded: str) -> list[tuple[list[str], list[bool] | None]]:
    """The words of each clause (split at a comma, semicolon or colon outside brackets), with
    whether each word is in brackets (None: no word is)."""
    if "(" not in folded and "[" not in folded:
        return [(_CLAUSE_WORD.findall(part), None) for part in _SEPARATOR.split(folded)]
    clauses: list[tuple[list[str], list[bool] | None]] = []
    words_: list[str] = []
    bracketed: list[bool] = []
    depth = 0
    for tok in _TOKEN.findall(folded):
        if tok in "([":
            depth += 1
        elif tok in ")]":
            depth = max(0, depth - 1)
        elif tok in ",;:":
            if depth == 0:
                clauses.append((words_, bracketed))
                words_, bracketed = [], []
        else:
            words_.append(tok)
            bracketed.append(depth > 0)
    clauses.append((words_, bracketed))
    return clauses


def _clause_costs(clause: list[tuple[str, bool]]) -> Iterable[tuple[str, float]]:
    toks: list[tuple[str, bool]] = []
    after_with: list[bool] = []  # "without X with Y": the negation ends at "with"
    next_raw: list[str] = []  # the word after each kept one, stop words included
    seen_with = False
    for w, bracketed in clause:
        if next_raw and not next_raw[-1]:
            next_raw[-1] = w
        if w == "with":
            seen_with = True
        elif w not in STOPWORDS:
            toks.append((w, bracketed))
            after_with.append(seen_with)
            next_raw.append("")
            seen_with = False
    costs = [1.0] * len(toks)
    negated = undetermined = False
    for i, (w, bracketed) in enumerate(toks):
        if after_with[i]:
            negated = False
        nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
        not_phrase = (w == "not" and nxt in NOT_PHRASES) or (
            i > 0 and toks[i - 1][0] == "not" and w in NOT_PHRASES)
        if bracketed or w in FREE or undetermined or not_phrase:
            costs[i] = 0.0
        elif w in NEGATORS:
            negated = True
            costs[i] = 0.3
        elif negated:
            costs[i] = 0.1
        elif w in LOW:
            costs[i] = 0.3
        elif w in POPULATION:
            costs[i] = CONFINING
        # "unspecified whether with hypoxia or hypercapnia", "not specified as acute or
        # chronic": what follows is what the code leaves open.
        if costs[i] == 0.0 and (w in FREE or w in NOT_PHRASES) and next_raw[i] in UNDETERMINED:
            undetermined = True
    # The generic noun an "unspecified" qualifies says nothing more (unspecified organism).
    for i, (w, _) in enumerate(toks):
        if w in FACETS and costs[i] > 0:
            prev = toks[i - 1][0] if i > 0 else ""
            nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
            if prev in FREE or nxt in FREE or (costs[i - 1] == 0.0 and prev in NOT_PHRASES) \
                    or (nxt == "not" and i + 2 < len(toks) and toks[i + 2][0] in NOT_PHRASES):
                costs[i] = 0.0
    return [(w, c) for (w, _), c in zip(toks, costs, strict=True)]


def with_collocations(tokens: list[tuple[str, float]],
                      dependent: Mapping[str, str]) -> list[tuple[str, float]]:
    """A word that only ever follows one word (*mellitus* after *diabetes*) costs nothing."""
    if dependent.keys().isdisjoint([w for w, _ in tokens]):
        return tokens
    return [(w, 0.0 if i and dependent.get(w) == tokens[i - 1][0] else c)
            for i, (w, c) in enumerate(tokens)]


def encode(tokens: Iterable[tuple[str, float]]) -> str:
    """Words with the mark of their cost, as stored after an entry's kind."""
    return " ".join([w if c == 1.0 else MARKS.get(c, "") + w for w, c in tokens])


def decode(line: str) -> tuple[str, list[tuple[str, float]]]:
    """A stored entry line: its kind (upper case) and its words with their costs."""
    kind, *toks = line.split(" ")
    return kind, [(t[1:], COST_OF_MARK[t[0]]) if t[0] in COST_OF_MARK else (t, 1.0)
                  for t in toks]


def terms_of(tokens: Iterable[tuple[str, float]]) -> set[str]:
    return {stem(w) for w, _ in tokens}
