"""Find ICD-10-CM code references in the free text of tabular notes.

Pure functions only: no database, no XML. The importer hands every ``<note>`` text of an
Excludes1/Excludes2/Code first/Use additional code/Code also/Includes/Notes element to
:func:`parse_references`, and user input to :func:`canonical_code`.

Code shapes
-----------
* chapter: ``1`` .. ``22`` (written ``Chapter 20`` in notes);
* block: two categories joined by a dash, ``A00-A09``;
* category: a letter, a digit, then a digit or letter (``E11``, ``C4A``, ``M1A``, ``Z3A``), plus
  the one FY2026 category whose second character is a letter, ``QA0``. Only ``Q`` takes a letter
  there, so gene and protein symbols such as ``GH1`` are not mistaken for codes;
* subcategory/code: a category, a dot and 1 to 4 more letters or digits (``E11.9``, ``S52.001``,
  ``T36.0X1A``; ``X`` is the placeholder).

A trailing ``-`` or ``.-`` (``E08.-``, ``N18.3-``, odd forms like ``D29.2.-``) means "this code and
everything below it" and sets :attr:`Reference.whole`.

What counts as a reference in a note
------------------------------------
Notes are scanned for code-shaped tokens: written in upper case, dotted when longer than three
characters (an undotted ``E119`` in a note is not a code; :func:`canonical_code` accepts it from
users), and standing alone (no letter or digit glued on either side, so ``HTLV-1``,
``COVID-19``, ``G6PD``, ``O157:H7``, ``C3`` and ``type 1`` never match). Tokens are chained
into *runs*:

* two tokens form a **range** when only a dash is between them, in any of the written variants
  ``C-C``, ``C -C``, ``C - C``, ``C--C``, ``C- -C``, ``C.-C``, ``C- C``, or the word ``to``
  (``S06.1- to S06.6-``, ``M05.00 to M05.8A``);
* ranges and single codes form a **list** when separated by ``,``, ``;``, ``and``, ``or``
  (``, and`` too) or ``. `` (the ``I60.-. I61.-`` typo); each item becomes one
  :class:`Reference`, in the order written;
* a **qualifier** is a ``with ...`` phrase right after a run (``T36-T50 with fifth or sixth
  character 5``, ``F10-F19, with .17, .27, .97``). It ends at a bracket, ``;``, the next code, or
  the end of the note (outside parentheses also at a ``:``, a ``,`` or a ``.`` that ends a
  sentence). It applies to every item of its run (``E08, E09, E11, E13 with final characters
  .00 or .01``); only the last item's :attr:`Reference.text` includes it, since the text is
  exactly what was written for that item. A ``with`` phrase that runs straight into another code
  (``I11.- with any condition in I12.-``) is no qualifier.

A run is kept when at least one of these holds (everything else is prose, such as
``vitamin B12``, ``LGMD R12`` or ``GH1``):

1. it starts inside parentheses (an unclosed ``(`` before it, which also covers the source's
   ``(E87.8}`` and an unclosed ``(Z89.52-``);
2. it is unambiguous: one of its items is dotted (``E72.4``, ``A74.-``) or is a range
   (``F01-F02``);
3. it follows a word that introduces codes: ``code``, ``codes``, ``code(s)``, ``category``,
   ``categories``, ``subcategory``, ``subcategories``, ``in``, ``to``, ``from``, ``under``,
   ``see``, ``within``, ``except``, ``both`` (``any type in A15``, ``each code from category
   M1A``, ``except T74``).

``Chapter N`` (any case, N in 1..22) is a chapter reference anywhere in a note; its ``whole`` is
False, since ``whole`` only records a written trailing dash.

Every :class:`Reference` is returned in the order it appears; the same reference written twice
is returned twice. :func:`parse_references` never raises and runs in linear time: tokens are
found with one precompiled regex and every other regex only looks at the short text between two
neighbouring tokens (or a bounded window before a run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Reference", "canonical_code", "parse_references"]


@dataclass(frozen=True, slots=True)
class Reference:
    """One code reference found in a note."""

    text: str
    """The reference exactly as written in the note (a substring of it)."""
    start: str
    """Canonical code of the first end: dotted, upper case, no trailing ``-``."""
    end: str
    """Canonical code of the last end (``== start`` for a single code)."""
    whole: bool
    """Written with a trailing ``-``/``.-``; for a range, whether its end was."""
    qualifier: str | None
    """Trailing ``with ...`` text, e.g. ``with fifth or sixth character 5``."""
    chapter: bool = False
    """A ``Chapter N`` reference: ``start == end == "N"``."""


# Dashes as typed (ASCII hyphen-minus) and as pasted from word processors.
_DASH_CHARACTERS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH = f"[-{_DASH_CHARACTERS}]"
_DASHES_TO_HYPHEN = str.maketrans(dict.fromkeys(_DASH_CHARACTERS, "-"))
# Longer input cannot be a code, block or chapter; cut it short before any regex runs.
_MAX_CANONICAL_INPUT = 32
# A category: letter, digit, digit/letter; or QA0-like (only Q takes a letter second).
_CATEGORY = "(?:[A-Z][0-9][0-9A-Z]|Q[A-Z][0-9])"
_CODE = rf"{_CATEGORY}(?:\.[0-9A-Z]{{1,4}})?"

_CODE_RE = re.compile(rf"{_CODE}")
_BLOCK_RE = re.compile(rf"({_CATEGORY}){_DASH}({_CATEGORY})")
_UNDOTTED_RE = re.compile(rf"({_CATEGORY})([0-9A-Z]{{1,4}})")
_CHAPTER_NUMBER_RE = re.compile(r"0?([1-9]|1[0-9]|2[0-2])")
_WHITESPACE_RE = re.compile(r"\s+")
_TRAILING_WHOLE_RE = re.compile(rf"\.?{_DASH}$")

# A code token in a note: nothing alphanumeric glued to it. A dot followed by an alphanumeric
# also forbids the match, so "E11.12345" is not read as "E11".
_TOKEN_RE = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_CODE})(?![A-Za-z0-9]|\.[A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])(?P<chapter>(?i:chapter)[ \t]+[0-9]{1,2})(?![0-9A-Za-z])"
)
_CHAPTER_NUMBER_IN_TEXT_RE = re.compile(r"([0-9]{1,2})$")

# Separators between two neighbouring tokens; matched against the gap text only.
_MAX_GAP = 16
_RANGE_GAP_RE = re.compile(rf"(?:\.?{_DASH})?\s*{_DASH}\s*|\.{_DASH}\s*|(?:\.?{_DASH})?\s+to\s+")
_LIST_GAP_RE = re.compile(rf"(?:\.?{_DASH})?\s*(?:[,;]\s*(?:(?:and|or)\s+)?|(?:and|or)\s+|\.\s+)")
# "Code and everything below it" right after a token ("E08.-", "N18.3-", "S92.-with ...").
_WHOLE_RE = re.compile(rf"\.?{_DASH}(?=[^A-Za-z0-9]|with\b|$)")
# Qualifiers: inside parentheses they run to the bracket; in prose they stop at punctuation.
_QUALIFIER_IN_PARENS_RE = re.compile(r"\.?\s*(?:,\s*)?(with\b[^()\[\]{};]*)")
_QUALIFIER_IN_PROSE_RE = re.compile(
    r"\.?\s*(?:,\s*)?(with\b(?:[^()\[\]{};:.,]|\.(?=[0-9A-Za-z]))*)"
)
# Words that introduce a code outside parentheses, looked for in a short window before a run.
_TRIGGER_WINDOW = 40
_TRIGGER_RE = re.compile(
    r"(?:^|[^A-Za-z])(?:codes?(?:\(s\))?|categor(?:y|ies)|subcategor(?:y|ies)|in|to|from"
    r"|under|see|within|except|both)\s*:?\s*$",
    re.IGNORECASE,
)
_PAREN_RE = re.compile(r"[()]")


def canonical_code(raw: str) -> str | None:
    """Normalise user/code input: strip, upper-case, drop a trailing '-'/'.-', insert the dot
    after the 3rd char of a >3-char code that lacks one ('e119' -> 'E11.9', 'S52001a' ->
    'S52.001A'); blocks 'a00-a09' -> 'A00-A09'; chapters '1'..'22' stay; return None for
    anything that is not code-shaped."""
    if not isinstance(raw, str):
        return None
    text = _WHITESPACE_RE.sub("", raw).translate(_DASHES_TO_HYPHEN)
    if not text or len(text) > _MAX_CANONICAL_INPUT or not text.isascii():
        return None
    text = text.upper()
    chapter = _CHAPTER_NUMBER_RE.fullmatch(text)
    if chapter:
        return chapter.group(1)
    block = _BLOCK_RE.fullmatch(text)
    if block:
        first, last = block.group(1), block.group(2)
        return f"{first}-{last}" if first <= last else None
    return _canonical_single(text)


def _canonical_single(text: str) -> str | None:
    """Canonical form of one upper-case code, with or without its dot and trailing '-'."""
    text = _TRAILING_WHOLE_RE.sub("", text).removesuffix(".")
    if _CODE_RE.fullmatch(text):
        return text
    undotted = _UNDOTTED_RE.fullmatch(text)
    return f"{undotted.group(1)}.{undotted.group(2)}" if undotted else None


@dataclass(slots=True)
class _Item:
    """A single code or a range under construction: token spans into the note."""

    first: tuple[int, int]
    last: tuple[int, int]
    ranged: bool = False


def _paren_depths(note: str, positions: list[int]) -> list[int]:
    """Parenthesis depth (stray ')' ignored) at each of the ascending positions."""
    depths: list[int] = []
    events = _PAREN_RE.finditer(note)
    pending = next(events, None)
    depth = 0
    for position in positions:
        while pending is not None and pending.start() < position:
            if pending.group() == "(":
                depth += 1
            elif depth:
                depth -= 1
            pending = next(events, None)
        depths.append(depth)
    return depths


def _is_triggered(note: str, start: int) -> bool:
    """Whether a word that introduces codes stands right before ``start``."""
    window = note[max(0, start - _TRIGGER_WINDOW) : start]
    return _TRIGGER_RE.search(window) is not None


def _build_run(
    note: str, items: list[_Item], limit: int, in_parens: bool
) -> tuple[list[Reference], bool]:
    """References for one run of items, and whether the run is unambiguous on its own."""
    pattern = _QUALIFIER_IN_PARENS_RE if in_parens else _QUALIFIER_IN_PROSE_RE
    last_end = items[-1].last[1]
    whole_match = _WHOLE_RE.match(note, last_end, limit)
    tail = whole_match.end() if whole_match else last_end
    qualifier: str | None = None
    qualifier_end = tail
    found = pattern.match(note, tail, limit)
    if found:
        stripped = found.group(1).rstrip(" \t\r\n,.;:")
        words = stripped.rsplit(maxsplit=1)
        if len(words) == 2 and words[1] in ("and", "or"):
            stripped = words[0].rstrip(" \t\r\n,")
        dangling = limit < len(note) and not note[found.end() : limit].strip()
        if stripped != "with" and not dangling:
            qualifier = stripped
            qualifier_end = found.start(1) + len(stripped)
    references: list[Reference] = []
    strong = False
    for index, item in enumerate(items):
        first = note[item.first[0] : item.first[1]]
        last = note[item.last[0] : item.last[1]]
        strong = strong or item.ranged or "." in first or "." in last
        if index + 1 < len(items):
            item_end = item.last[1]
            whole = _WHOLE_RE.match(note, item_end, items[index + 1].first[0])
            text_end = whole.end() if whole else item_end
        else:
            whole = whole_match
            text_end = qualifier_end if qualifier else tail
        if whole and "." in note[whole.start() : whole.end()]:
            strong = True
        start_code = canonical_code(first)
        end_code = canonical_code(last)
        if start_code is None or end_code is None:  # pragma: no cover - tokens are code-shaped
            continue
        references.append(
            Reference(
                text=note[item.first[0] : text_end],
                start=start_code,
                end=end_code,
                whole=whole is not None,
                qualifier=qualifier,
            )
        )
    return references, strong


def _chapter_reference(text: str) -> Reference | None:
    """A chapter reference for 'Chapter N', or None when N is not a chapter number."""
    number = _CHAPTER_NUMBER_IN_TEXT_RE.search(text)
    chapter = canonical_code(number.group(1)) if number else None
    if chapter is None or number is None or number.group(1).startswith("0"):
        return None
    return Reference(
        text=text, start=chapter, end=chapter, whole=False, qualifier=None, chapter=True
    )


def parse_references(note: str) -> list[Reference]:
    """Every code and chapter reference in ``note``, in the order written (never raises)."""
    if not isinstance(note, str) or not note:
        return []
    tokens = list(_TOKEN_RE.finditer(note))
    if not tokens:
        return []
    depths = _paren_depths(note, [token.start() for token in tokens])
    references: list[Reference] = []
    items: list[_Item] = []
    run_depth = 0

    def close(limit: int) -> None:
        if not items:
            return
        start = items[0].first[0]
        in_parens = run_depth > 0
        built, strong = _build_run(note, items, limit, in_parens)
        if in_parens or strong or _is_triggered(note, start):
            references.extend(built)
        items.clear()

    for index, token in enumerate(tokens):
        if token.group("chapter"):
            close(token.start())
            chapter = _chapter_reference(token.group())
            if chapter is not None:
                references.append(chapter)
            continue
        span = (token.start(), token.end())
        if items:
            gap_start = items[-1].last[1]
            gap = note[gap_start : token.start()] if token.start() - gap_start <= _MAX_GAP else None
            if gap is not None and not items[-1].ranged and _RANGE_GAP_RE.fullmatch(gap):
                items[-1].last = span
                items[-1].ranged = True
                continue
            if gap is not None and _LIST_GAP_RE.fullmatch(gap):
                items.append(_Item(span, span))
                continue
            close(token.start())
        run_depth = depths[index]
        items.append(_Item(span, span))
    close(len(note))
    return references
