"""A query as slots: each typed word (or phrase from the curated tables) becomes a slot that a
document fills with any one of its alternatives.

- a known word: its stem; the last word, unless a space follows it, also as a prefix ("diab");
- an unknown word: the indexed words one or two edits away ("pnuemonia"), or two indexed
  words it runs together ("gastroesophageal");
- an abbreviation or lay phrase: the typed words, or any expansion ("copd", "heart attack");
  a word the index does not hold that is one or two edits from a word of the system's own
  phrases is read as that word to find them (ICD-10-PCS: "tonsilectomy" is a tonsillectomy,
  which its tables read as the resection of the tonsils).

Stop words and words nothing can match are left out. The plan renders as an FTS5 MATCH
expression or a PostgreSQL tsquery over the same stems, for all slots or, when nothing holds
them all, for every choice of all but one (then all but two, ...).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from os.path import commonprefix
from pathlib import Path

from domain.search.analysis import STOPWORDS
from domain.search.expansions import Expansion, expansions, longest_phrase, phrase_words
from domain.search.lexicon import Lexicon
from domain.search.stemmer import stem

MAX_WORDS = 16
MAX_CLAUSES = 64  # subsets of slots OR-ed in one relaxed query
EXACT, PREFIX, EXPANDED, ONE_EDIT, TWO_EDITS, SPLIT = 1.0, 0.9, 0.95, 0.85, 0.75, 0.85

_TOKEN = re.compile(r"[A-Za-z0-9]+")
_DOTTED_CODE = re.compile(r"\b([A-Za-z]\d[0-9A-Za-z]{1,2})\.([0-9A-Za-z]{0,4})")
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['\u2019][sS]\b")


@dataclass(frozen=True, slots=True)
class Alt:
    """One way to fill a slot: every term must appear; ``prefix``: the last one starts a word."""

    terms: tuple[str, ...]
    prefix: bool
    quality: float


@dataclass(slots=True)
class Slot:
    typed: str
    alts: list[Alt]
    weight: float = 1.0
    required: bool = True  # a single letter (hepatitis "c") only helps the ranking


@dataclass(slots=True)
class Plan:
    slots: list[Slot] = field(default_factory=list)
    qualifier_cost: float = 1.0  # see domain.search.ranking
    title_breaks_ties: bool = False  # likewise

    @property
    def total_weight(self) -> float:
        return sum(s.weight for s in self.slots) or 1.0

    def levels(self) -> Iterator[list[tuple[int, ...]]]:
        """Sets of slot subsets to try, all slots first; each set is OR-ed."""
        required = [i for i, s in enumerate(self.slots) if s.required]
        n = len(required)
        for k in range(n, 0, -1):
            if k < n and math.comb(n, k) > MAX_CLAUSES:
                yield [(i,) for i in required]
                return
            yield list(combinations(required, k))

    def fts(self, subsets: Sequence[tuple[int, ...]]) -> str:
        return " OR ".join(
            "(" + " AND ".join(_fts_slot(self.slots[i]) for i in subset) + ")"
            for subset in subsets
        )

    def tsquery(self, subsets: Sequence[tuple[int, ...]]) -> str:
        return " | ".join(
            "(" + " & ".join(_ts_slot(self.slots[i]) for i in subset) + ")"
            for subset in subsets
        )


def _fts_alt(alt: Alt) -> str:
    last = len(alt.terms) - 1
    parts = [f'"{t}"' + ("*" if alt.prefix and i == last else "") for i, t in enumerate(alt.terms)]
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _fts_slot(slot: Slot) -> str:
    return "(" + " OR ".join(_fts_alt(a) for a in slot.alts) + ")"


def _ts_alt(alt: Alt) -> str:
    last = len(alt.terms) - 1
    parts = [f"'{t}'" + (":*" if alt.prefix and i == last else "") for i, t in enumerate(alt.terms)]
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def _ts_slot(slot: Slot) -> str:
    return "(" + " | ".join(_ts_alt(a) for a in slot.alts) + ")"


def query_tokens(text: str) -> list[tuple[str, bool]]:
    """Each typed word, lower case, and whether it was typed in capitals."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _POSSESSIVE.sub("", _DOTTED_CODE.sub(r"\1\2", text))
    return [(t.lower(), len(t) > 1 and t.isupper()) for t in _TOKEN.findall(text)][:MAX_WORDS]


def _idf(lex: Lexicon, df: int) -> float:
    return math.log(1.0 + lex.documents / (1.0 + df))


def build_plan(text: str, lex: Lexicon, own: tuple[Path, ...] = ()) -> Plan:
    """The query's slots; ``own``: the system's expansion tables (see
    :func:`domain.search.expansions.expansions`)."""
    tokens = query_tokens(text)
    content = [t for t in tokens if t[0] not in STOPWORDS] or tokens
    # A single letter is not required ("s/p"; but "hepatitis c" ranks C first) unless it is
    # all there is; a phrase may hold it ("n/v").
    letters_only = all(len(w) == 1 for w, _ in content)
    complete = text[-1:].isspace()
    table = expansions(own)
    longest = longest_phrase(own)
    spelled = _respelled([w for w, _ in content], lex, own)
    plan = Plan()
    i = 0
    while i < len(content):
        last = i == len(content) - 1 and not complete
        taken = 0
        for size in range(min(longest, len(content) - i), 0, -1):
            phrase = tuple(spelled[i : i + size])
            exp = table.get(phrase)
            if exp is None:
                continue
            caps = all(c for _, c in content[i : i + size])
            if exp.caps and not caps and all(lex.knows(lex.stem_of(w)) for w in phrase):
                continue
            # An abbreviation typed as one is not the start of a longer word.
            complete_word = caps or not exp.caps
            slots = _phrase_slots(phrase, exp, lex, last and size == 1 and not complete_word)
            if slots:
                plan.slots.extend(slots)
                taken = size
                break
        if not taken:
            word = content[i][0]
            slot = _word_slot(word, lex, last)
            if slot is not None:  # else a word nothing can match, left out
                slot.required = len(word) > 1 or not word.isalpha() or letters_only
                plan.slots.append(slot)
            taken = 1
        i += taken
    return plan


def _respelled(words: list[str], lex: Lexicon, own: tuple[Path, ...]) -> list[str]:
    """The words, each that neither the index nor any phrase holds read as the nearest word
    of the system's own phrases within the edits forgiven, if there is one."""
    if not own:
        return words
    mine, every = phrase_words(own)
    out = []
    for w in words:
        if w.isalpha() and not lex.holds(w) and w not in every:
            fixes = lex.corrections(w)
            if fixes:
                w = next((c for c, d in fixes if d == fixes[0][1] and c in mine), w)
        out.append(w)
    return out


def _known_alt(words: Sequence[str], lex: Lexicon, quality: float) -> Alt | None:
    stems = tuple(dict.fromkeys(lex.stem_of(w) for w in words))
    if stems and all(lex.knows(s) for s in stems):
        return Alt(stems, False, quality)
    return None


def _phrase_slots(phrase: tuple[str, ...], exp: Expansion, lex: Lexicon,
                  last: bool) -> list[Slot]:
    """One slot for the phrase and its expansions; or, when the typed words are no indexed
    words (or no reading of their own: ``Expansion.only``) and there is one expansion, a slot
    for each of its words, so that a code holding most of them is found (LVH: left
    ventricular hypertrophy)."""
    if len(exp.alternatives) == 1 and (exp.only or _known_alt(phrase, lex, EXACT) is None):
        words = exp.alternatives[0]
        alts = [_known_alt((w,), lex, EXPANDED) for w in words]
        if len(words) > 1 and all(alts):
            return [Slot(w, [a], _weight([a], lex)) for w, a in zip(words, alts, strict=True)
                    if a is not None]
    slot = _phrase_slot(phrase, exp, lex, last)
    return [slot] if slot is not None else []


def _phrase_slot(phrase: tuple[str, ...], exp: Expansion, lex: Lexicon,
                 last: bool) -> Slot | None:
    alts: list[Alt] = []
    if len(phrase) == 1 and not exp.only:
        typed = _word_slot(phrase[0], lex, last)
        alts.extend(typed.alts if typed else [])
    elif not exp.only:
        own = _known_alt(phrase, lex, EXACT)
        if own is not None:
            alts.append(own)
    for words in exp.alternatives:
        alt = _known_alt(words, lex, EXPANDED)
        if alt is not None and alt not in alts:
            alts.append(alt)
    if not alts:
        return None
    return Slot(" ".join(phrase), alts, _weight(alts, lex))


def _word_slot(word: str, lex: Lexicon, last: bool) -> Slot | None:
    alts: list[Alt] = []
    s = lex.stem_of(word)
    if lex.knows(s) or (not word.isalpha() and not word.isdigit()):
        alts.append(Alt((s,), False, EXACT))  # a code-like word may match a code's key
    if last and len(word) >= 2:
        p = commonprefix([word, s])
        p = p if len(p) >= 2 else word
        if any(x != s for x in lex.prefixed(p)[:2]):
            alts.append(Alt((p,), True, PREFIX))
    # A word the index does not hold as typed is a typo, an inflection of an indexed word, or
    # (the last word) the start of one; the commonest reading wins ("migrane": migraine, not
    # migrans; "diabetics": diabetic).
    if word.isalpha() and not lex.holds(word) and (not alts or not last or len(word) >= 6):
        alts = _typo_readings(word, s, alts, lex)
    if alts and len(word) >= 7:
        # Another derivation of the word, which its stem does not reach (degenerative and
        # degeneration; allergic and allergy share a stem already).
        for v in lex.variants(word):
            if all(a.terms != (v,) for a in alts):
                alts.append(Alt((v,), False, EXPANDED))
    if not alts:
        split = _split(word, lex)
        alts = [split] if split is not None else []
    if not alts:
        return None
    return Slot(word, alts, _weight(alts, lex))


def _typo_readings(word: str, s: str, alts: list[Alt], lex: Lexicon) -> list[Alt]:
    fixes = lex.corrections(word)
    if not fixes:
        return alts
    nearest = fixes[0][1]
    stems = list(dict.fromkeys(lex.stem_of(c) for c, d in fixes if d == nearest))[:3]
    stems.sort(key=lambda x: -lex.df(x))
    if lex.knows(s) and lex.df(s) >= lex.df(stems[0]):
        stems = [x for x in stems if x != s]  # the typed word's own stem is likelier
        base = (ONE_EDIT if nearest == 1 else TWO_EDITS) - 0.05
    else:
        base = ONE_EDIT if nearest == 1 else TWO_EDITS
        alts = [Alt(a.terms, a.prefix, min(a.quality, base - 0.05)) if a.terms == (s,) else a
                for a in alts]
    for rank, x in enumerate(stems):
        if all(a.terms != (x,) for a in alts):
            alts.append(Alt((x,), False, base - (0.05 if rank else 0.0)))
    return alts


def _split(word: str, lex: Lexicon) -> Alt | None:
    """Two indexed words run together (``gastroesophageal``), the commonest split."""
    best: tuple[int, Alt] | None = None
    for k in range(3, len(word) - 2):
        a, b = stem(word[:k]), stem(word[k:])
        if lex.knows(a) and lex.knows(b):
            score = min(lex.df(a), lex.df(b))
            if best is None or score > best[0]:
                best = (score, Alt((a, b), False, SPLIT))
    return best[1] if best else None


def _weight(alts: Sequence[Alt], lex: Lexicon) -> float:
    """How telling a slot is: the inverse document frequency of its commonest alternative."""
    df = 0
    for alt in alts:
        if alt.prefix:
            found = lex.prefixed(alt.terms[-1])
            alt_df = max((lex.df(x) for x in found[:200]), default=0)
        else:
            alt_df = min(lex.df(t) for t in alt.terms)
        df = max(df, alt_df)
    return _idf(lex, df)
