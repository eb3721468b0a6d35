"""Tests for systems.icd10cm.references: table-driven shapes, the FY2026 tabular, and properties.

Corpus figures measured on icd10c-tabular-April-1-2026.xml (simple-icd-10-cm 1.5.0):

* notes scanned: 25,178 ``<note>`` elements (every parent kind: excludes1 5,407, excludes2 2,520,
  useAdditionalCode 1,485, codeFirst 809, codeAlso 655, includes 1,024, inclusionTerm 12,574,
  notes 180, sevenChrNote 508, intro instruction/sevenChrDef 16);
* references found: 12,115 in 10,787 notes (1,354 ranges, 3,949 written with a trailing '-',
  216 with a ``with ...`` qualifier, 15 chapter references); by parent: excludes1 5,701,
  excludes2 2,791, useAdditionalCode 1,436, codeFirst 730, sevenChrNote 545, codeAlso 517,
  inclusionTerm 222, includes 89, notes 84;
* parenthesized groups: 12,621, of which 9,970 hold a code-shaped token; 3 allow-listed
  (``(GH1)``, ``(Ph1)``, ``(q34;q11)``);
* code-shaped tokens left out in prose: 9 (``vitamin B12`` x7, ``LGMD R12``, ``LGMD R22``);
* reference ends that name no code of this release: 7 references, 5 codes (see UNRESOLVED);
* ranges written backwards: 0; parse time for all notes: about 0.2 s.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from systems.icd10cm.references import Reference, canonical_code, parse_references

TABULAR = "icd10c-tabular-April-1-2026.xml"

# Syntax of what a Reference may name, stated independently of the module's regexes.
CODE_SHAPE = re.compile(r"[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?")
CHAPTER_SHAPE = re.compile(r"[1-9]|1[0-9]|2[0-2]")
# Loose: any 3-character alphanumeric word with a digit, any case, optionally dotted.
LOOSE_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9]{0,2}[0-9])[A-Za-z][A-Za-z0-9]{2}(?:\.[A-Za-z0-9]{1,4})?"
    r"(?![A-Za-z0-9])"
)
# Strict: what the module documents as a code token (upper case; Q is the only letter-letter).
STRICT_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z][0-9][0-9A-Z]|Q[A-Z][0-9])(?:\.[0-9A-Z]{1,4})?"
    r"(?![A-Za-z0-9]|\.[A-Za-z0-9])"
)
INNER_GROUP = re.compile(r"\(([^()]*)\)")

# Parenthesized groups holding a code-shaped word that is not a code reference.
GROUP_ALLOW_LIST = {
    "(GH1)",  # growth hormone gene (isolated growth hormone deficiency); no category GH1
    "(Ph1)",  # Philadelphia chromosome, in chronic myeloid leukemia
    "(q34;q11)",  # chromosome bands of the BCR-ABL translocation
}
# Code-shaped words in prose, with the word before them, that are rightly not references.
PROSE_ALLOW_LIST = {
    ("vitamin", "B12"),  # cobalamin, in "vitamin B12 deficiency" (7 notes)
    ("lgmd", "R12"),  # limb-girdle muscular dystrophy type R12, not "Heartburn"
    ("lgmd", "R22"),  # limb-girdle muscular dystrophy type R22
}
# Reference ends that name no code of the FY2026 tabular, as the source writes them.
UNRESOLVED = {
    "G31.90",  # "(G31.90)" under codeFirst; the code is G31.9
    "I64",  # "Conditions classifiable to I60-I64": I64 is WHO ICD-10, not ICD-10-CM
    "K93",  # "K00-K93": chapter 11 now ends at K95; K93 is gone
    "R10.4",  # "(R10.1-R10.4-)": R10.4 was expanded away
    "Y89",  # "A00-Y89": ICD-10-CM has no Y89
}


def ref(
    text: str,
    start: str,
    end: str | None = None,
    whole: bool = False,
    qualifier: str | None = None,
    chapter: bool = False,
) -> Reference:
    """Shorthand for an expected Reference."""
    return Reference(text, start, end or start, whole, qualifier, chapter)


def spans(note: str, references: list[Reference]) -> list[tuple[int, int]]:
    """Locate each reference's text in the note, in order; fail when one is out of order."""
    found: list[tuple[int, int]] = []
    position = 0
    for reference in references:
        index = note.find(reference.text, position)
        assert index >= 0, (reference, note)
        found.append((index, index + len(reference.text)))
        position = index + len(reference.text)
    return found


# ---------------------------------------------------------------------------------------------
# Table-driven shapes
# ---------------------------------------------------------------------------------------------

PARSE_CASES: list[tuple[str, list[Reference]]] = [
    # The brief's examples.
    (
        "diabetes mellitus due to underlying condition (E08.-)",
        [ref("E08.-", "E08", whole=True)],
    ),
    ("chronic kidney disease (N18.1-N18.6)", [ref("N18.1-N18.6", "N18.1", "N18.6")]),
    (
        "pre-existing hypertension (O10-O11, O13-O16)",
        [ref("O10-O11", "O10", "O11"), ref("O13-O16", "O13", "O16")],
    ),
    (
        "certain infectious and parasitic diseases (A00-B99)",
        [ref("A00-B99", "A00", "B99")],
    ),
    (
        "adverse effect of drug (T36-T50 with fifth or sixth character 5)",
        [
            ref(
                "T36-T50 with fifth or sixth character 5",
                "T36",
                "T50",
                qualifier="with fifth or sixth character 5",
            )
        ],
    ),
    (
        "concussion with other intracranial injuries classified in subcategories S06.1- to "
        "S06.6-, and S06.81- to S06.89-, code to specified intracranial injury",
        [
            ref("S06.1- to S06.6-", "S06.1", "S06.6", whole=True),
            ref("S06.81- to S06.89-", "S06.81", "S06.89", whole=True),
        ],
    ),
    ("code (Chapter 20) to identify external cause", [ref("Chapter 20", "20", chapter=True)]),
    ("local infections of skin classified in Chapter 1", [ref("Chapter 1", "1", chapter=True)]),
    # Single codes of every length, placeholders, letters in the 3rd position, QA0.
    ("(E11)", [ref("E11", "E11")]),
    ("(C4A.0)", [ref("C4A.0", "C4A.0")]),
    ("(M1A.-)", [ref("M1A.-", "M1A", whole=True)]),
    ("(Z3A.08)", [ref("Z3A.08", "Z3A.08")]),
    ("(S52.001)", [ref("S52.001", "S52.001")]),
    ("(T36.0X1A)", [ref("T36.0X1A", "T36.0X1A")]),
    ("(QA0.0101)", [ref("QA0.0101", "QA0.0101")]),
    ("(Q00-QA0)", [ref("Q00-QA0", "Q00", "QA0")]),
    ("(N18.3-)", [ref("N18.3-", "N18.3", whole=True)]),
    # Dash and space variants of a range.
    ("(S00 - S09)", [ref("S00 - S09", "S00", "S09")]),
    ("(I01.0 -I01.9)", [ref("I01.0 -I01.9", "I01.0", "I01.9")]),
    ("(C00- C14)", [ref("C00- C14", "C00", "C14")]),
    ("(I70.2--I70.7-)", [ref("I70.2--I70.7-", "I70.2", "I70.7", whole=True)]),
    ("(Q70.0- -Q70.3-)", [ref("Q70.0- -Q70.3-", "Q70.0", "Q70.3", whole=True)]),
    ("(P28.3- - P28.4-)", [ref("P28.3- - P28.4-", "P28.3", "P28.4", whole=True)]),
    ("(F10.--F19.-)", [ref("F10.--F19.-", "F10", "F19", whole=True)]),
    ("(F10.- -F19.-)", [ref("F10.- -F19.-", "F10", "F19", whole=True)]),
    ("(S12.0--S12.6.-)", [ref("S12.0--S12.6.-", "S12.0", "S12.6", whole=True)]),
    ("(F98.2.-F98.3)", [ref("F98.2.-F98.3", "F98.2", "F98.3")]),
    ("(M05.00 to M05.8A)", [ref("M05.00 to M05.8A", "M05.00", "M05.8A")]),
    ("(A00\u2013A09)", [ref("A00\u2013A09", "A00", "A09")]),
    ("(C18.0-C18.9-)", [ref("C18.0-C18.9-", "C18.0", "C18.9", whole=True)]),
    # Lists: commas, semicolons, 'and', '. ', no space, trailing comma.
    (
        "(I69.01-I69.11-, I69.21-I69.31-, I69.81- I69.91-)",
        [
            ref("I69.01-I69.11-", "I69.01", "I69.11", whole=True),
            ref("I69.21-I69.31-", "I69.21", "I69.31", whole=True),
            ref("I69.81- I69.91-", "I69.81", "I69.91", whole=True),
        ],
    ),
    ("(C43.2-,C44.2-)", [ref("C43.2-", "C43.2", whole=True), ref("C44.2-", "C44.2", whole=True)]),
    ("(J00-J06; J20-J22)", [ref("J00-J06", "J00", "J06"), ref("J20-J22", "J20", "J22")]),
    ("(S24.0 and S24.1)", [ref("S24.0", "S24.0"), ref("S24.1", "S24.1")]),
    (
        "(I60.-. I61.-, I62.-)",
        [
            ref("I60.-", "I60", whole=True),
            ref("I61.-", "I61", whole=True),
            ref("I62.-", "I62", whole=True),
        ],
    ),
    ("(K50.014, K50.114,)", [ref("K50.014", "K50.014"), ref("K50.114", "K50.114")]),
    (
        "(A00-R94 and T80-T88.6, T88.8)",
        [ref("A00-R94", "A00", "R94"), ref("T80-T88.6", "T80", "T88.6"), ref("T88.8", "T88.8")],
    ),
    ("(D29.2.-)", [ref("D29.2.-", "D29.2", whole=True)]),
    ("(P03.82 )", [ref("P03.82", "P03.82")]),
    ("electrolyte imbalance (E87.8}", [ref("E87.8", "E87.8")]),
    ("(i.e. E05.8, E16-E31)", [ref("E05.8", "E05.8"), ref("E16-E31", "E16", "E31")]),
    # Qualifiers.
    (
        "(F10-F19, with .17, .27, .97)",
        [ref("F10-F19, with .17, .27, .97", "F10", "F19", qualifier="with .17, .27, .97")],
    ),
    (
        "(J96. with 5th character 2)",
        [ref("J96. with 5th character 2", "J96", qualifier="with 5th character 2")],
    ),
    (
        "(S92.-with 7th character B)",
        [ref("S92.-with 7th character B", "S92", whole=True, qualifier="with 7th character B")],
    ),
    (
        "(I69. with final characters -23)",
        [ref("I69. with final characters -23", "I69", qualifier="with final characters -23")],
    ),
    (
        "(E08, E09, E13 with final characters .00 or .01)",
        [
            ref("E08", "E08", qualifier="with final characters .00 or .01"),
            ref("E09", "E09", qualifier="with final characters .00 or .01"),
            ref(
                "E13 with final characters .00 or .01",
                "E13",
                qualifier="with final characters .00 or .01",
            ),
        ],
    ),
    (
        "diabetic acidosis - see categories E08-E10, E11 with ketoacidosis",
        [
            ref("E08-E10", "E08", "E10", qualifier="with ketoacidosis"),
            ref("E11 with ketoacidosis", "E11", qualifier="with ketoacidosis"),
        ],
    ),
    (
        "any condition in I11.- with any condition in I12.-",
        [ref("I11.-", "I11", whole=True), ref("I12.-", "I12", whole=True)],
    ),
    # Bare references: dotted or ranged anywhere, single categories after an introducing word.
    ("jaw pain R68.84", [ref("R68.84", "R68.84")]),
    ("if applicable peritonitis K65.-", [ref("K65.-", "K65", whole=True)]),
    ("dementia as classified in F01-F02", [ref("F01-F02", "F01", "F02")]),
    (
        "pneumoconiosis with tuberculosis, any type in A15 (J65)",
        [ref("A15", "A15"), ref("J65", "J65")],
    ),
    (
        "The appropriate 7th character is to be added to each code from category M1A",
        [ref("M1A", "M1A")],
    ),
    ("code(s) from F10 to identify manifestations", [ref("F10", "F10")]),
    (
        "Conditions in S00-T88, except T74 and T76",
        [ref("S00-T88", "S00", "T88"), ref("T74", "T74"), ref("T76", "T76")],
    ),
    (
        "Categories D37-D44, and D48 classify by site",
        [ref("D37-D44", "D37", "D44"), ref("D48", "D48")],
    ),
    (
        "vitamin B12 deficiency anemia (D51.-)",
        [ref("D51.-", "D51", whole=True)],
    ),
]

NOT_REFERENCES = [
    "HTLV-1-associated myelopathy",
    "(< 2 years of age)",
    "(2-5 years of age)",
    "(type 1)",
    "(type I)",
    "COVID-19",
    "SARS-CoV-2",
    "Vitamin B12 deficiency",
    "Anoctamin-5-related LGMD R12",
    "LGMD R22 collagen 6-related",
    "(GH1)",
    "(G6PD)",
    "with C3 glomerulopathy",
    "E. coli O157:H7 with or without confirmation",
    "influenza A/H1N1",
    "(e11.9)",  # notes write codes in upper case
    "E11.12345",
    "Chapter 23",
    "Chapters I to XVIII",
    "",
]


@pytest.mark.parametrize(("note", "expected"), PARSE_CASES, ids=[c[0][:40] for c in PARSE_CASES])
def test_parse_references(note: str, expected: list[Reference]) -> None:
    assert parse_references(note) == expected


@pytest.mark.parametrize("note", NOT_REFERENCES)
def test_not_references(note: str) -> None:
    assert parse_references(note) == []


CANONICAL_CASES = [
    ("E11.9", "E11.9"),
    ("e119", "E11.9"),
    ("S52001a", "S52.001A"),
    ("t360x1a", "T36.0X1A"),
    (" E11.9 ", "E11.9"),
    ("E08.-", "E08"),
    ("N18.3-", "N18.3"),
    ("D29.2.-", "D29.2"),
    ("J96.", "J96"),
    ("c4a", "C4A"),
    ("qa00101", "QA0.0101"),
    ("a00-a09", "A00-A09"),
    ("A00 - A09", "A00-A09"),
    ("q00\u2013qa0", "Q00-QA0"),
    ("1", "1"),
    ("22", "22"),
    ("01", "1"),
    ("23", None),
    ("0", None),
    ("", None),
    ("-", None),
    ("E1", None),
    ("E11.12345", None),
    ("E1123456", None),
    ("GH1", None),
    ("HTLV-1", None),
    ("A09-A00", None),
    ("N18.1-N18.6", None),
    ("Chapter 20", None),
    ("\u017f52", None),  # long s upper-cases to 'S': non-ASCII is never a code
]


@pytest.mark.parametrize(("raw", "expected"), CANONICAL_CASES)
def test_canonical_code(raw: str, expected: str | None) -> None:
    assert canonical_code(raw) == expected


# ---------------------------------------------------------------------------------------------
# The whole tabular
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    notes: list[tuple[str, str]]  # (parent element, note text)
    names: frozenset[str]  # every code name in the tabular


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    path = files("simple_icd_10_cm.data") / TABULAR
    root = ET.fromstring(path.read_bytes())
    notes = [
        (parent.tag, note.text or "")
        for parent in root.iter()
        for note in parent
        if note.tag == "note"
    ]
    names = frozenset(name.text or "" for name in root.iter("name"))
    return Corpus(notes, names)


def test_corpus_groups_yield_references(corpus: Corpus) -> None:
    coded = 0
    missed: Counter[str] = Counter()
    for _, note in corpus.notes:
        found = spans(note, parse_references(note))
        for group in INNER_GROUP.finditer(note):
            if not LOOSE_TOKEN.search(group.group(1)):
                continue
            coded += 1
            if not any(group.start() < a and b < group.end() for a, b in found):
                missed[group.group()] += 1
    assert coded > 9_900
    assert set(missed) == GROUP_ALLOW_LIST, missed


def test_corpus_references_are_valid(corpus: Corpus) -> None:
    total = 0
    unresolved: set[str] = set()
    for _, note in corpus.notes:
        references = parse_references(note)
        spans(note, references)
        for reference in references:
            total += 1
            shape = CHAPTER_SHAPE if reference.chapter else CODE_SHAPE
            for code in (reference.start, reference.end):
                assert shape.fullmatch(code), reference
                assert canonical_code(code) == code, reference
                if not reference.chapter and code not in corpus.names:
                    unresolved.add(code)
            assert reference.start <= reference.end or reference.chapter, reference
            if reference.chapter:
                assert reference.start == reference.end
            if reference.qualifier is not None:
                assert reference.qualifier.startswith("with "), reference
                assert reference.qualifier in note
    assert total > 12_000
    assert unresolved == UNRESOLVED


def test_corpus_prose_tokens(corpus: Corpus) -> None:
    left_out: set[tuple[str, str]] = set()
    for _, note in corpus.notes:
        found = spans(note, parse_references(note))
        for token in STRICT_TOKEN.finditer(note):
            if any(a <= token.start() < b for a, b in found):
                continue
            before = note[: token.start()].split()
            left_out.add((before[-1].lower() if before else "", token.group()))
    assert left_out == PROSE_ALLOW_LIST


def test_corpus_is_fast(corpus: Corpus) -> None:
    started = time.perf_counter()
    for _, note in corpus.notes:
        parse_references(note)
    assert time.perf_counter() - started < 10


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
categories = st.one_of(
    st.builds(
        lambda a, b, c: a + b + c,
        st.sampled_from(UPPER),
        st.sampled_from(DIGITS),
        st.sampled_from(DIGITS + UPPER),
    ),
    st.builds(lambda b, c: "Q" + b + c, st.sampled_from(UPPER), st.sampled_from(DIGITS)),
)
suffixes = st.text(alphabet=DIGITS + UPPER, max_size=4)
# Pieces that make parser-relevant text: codes, separators, brackets, qualifiers, noise.
PIECES = [
    "E11", "E11.9", "S06.1-", "T36.0X1A", "QA0", "C4A.0", "E08.-", "D29.2.-", "B12", "GH1",
    "-", "--", ".-", " - ", "- -", "\u2013", " ", "  ", "\t", "\n", ",", ", ", ";", ". ", ".",
    " and ", " or ", " to ", "with ", " with fifth character 5", "(", ")", "[", "]", "}",
    "Chapter 20", "chapter ", "7", "in ", "code ", "category ", "vitamin ", "HTLV-1", "x", "é",
]  # fmt: skip
piece_texts = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
FAST = settings(max_examples=300, deadline=None, database=None)
BIG = settings(max_examples=20, deadline=None, database=None)
BIG_SIZE = 100_000


def check_references(note: str) -> None:
    """Invariants every parse must keep."""
    references = parse_references(note)
    for reference, (start, _) in zip(references, spans(note, references), strict=True):
        assert reference.text
        assert canonical_code(reference.start) == reference.start
        assert canonical_code(reference.end) == reference.end
        # A qualifier is written after its reference (after the run's last item).
        assert reference.qualifier is None or note.find(reference.qualifier, start) >= 0


@FAST
@given(categories, suffixes)
def test_canonical_round_trip(category: str, suffix: str) -> None:
    dotted = f"{category}.{suffix}" if suffix else category
    undotted = category + suffix
    assert canonical_code(dotted) == dotted
    assert canonical_code(undotted) == dotted
    assert canonical_code(dotted.lower()) == dotted
    assert canonical_code(undotted.lower()) == dotted
    assert canonical_code(f"  {dotted}-  ") == dotted
    assert canonical_code(f"{category}.-") == category
    assert canonical_code(dotted).replace(".", "") == undotted  # type: ignore[union-attr]


@FAST
@given(categories, categories)
def test_canonical_block_round_trip(first: str, second: str) -> None:
    low, high = sorted((first, second))
    assert canonical_code(f"{low.lower()} - {high.lower()}") == f"{low}-{high}"
    assert canonical_code(f"{low}-{high}") == f"{low}-{high}"


@FAST
@given(st.integers(min_value=-5, max_value=40))
def test_canonical_chapters(number: int) -> None:
    expected = str(number) if 1 <= number <= 22 else None
    assert canonical_code(str(number)) == expected


@FAST
@given(st.text())
def test_canonical_code_never_raises_and_is_idempotent(raw: str) -> None:
    canonical = canonical_code(raw)
    if canonical is not None:
        assert canonical_code(canonical) == canonical
        assert canonical == canonical.strip().upper()


@FAST
@given(st.text())
def test_parse_arbitrary_text(note: str) -> None:
    check_references(note)


@FAST
@given(piece_texts)
def test_parse_code_like_text(note: str) -> None:
    check_references(note)


@BIG
@given(st.one_of(st.text(min_size=1, max_size=40), piece_texts.filter(bool)))
def test_parse_100_kb_in_linear_time(seed: str) -> None:
    note = (seed * (BIG_SIZE // len(seed) + 1))[:BIG_SIZE]
    started = time.perf_counter()
    check_references(note)
    assert time.perf_counter() - started < 3


ADVERSARIAL = {
    "spaces between codes": "A00" + " " * BIG_SIZE + "A01",
    "spaces before with": "(A00" + " " * BIG_SIZE + "with x)",
    "spaces inside a qualifier": "(A00 with x" + " " * BIG_SIZE + "y and)",
    "dashes": "A00" + "-" * BIG_SIZE,
    "unclosed parentheses": "(" * BIG_SIZE + "A00",
    "range chain": "A00-" * (BIG_SIZE // 4),
    "list": "E11.9, " * (BIG_SIZE // 7),
    "chapter then spaces": "Chapter" + " " * BIG_SIZE,
    "one long word": "A" * BIG_SIZE,
    "trigger words": "in " * (BIG_SIZE // 3) + "A00",
}


@pytest.mark.parametrize("note", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_parse_adversarial_input_is_fast(note: str) -> None:
    started = time.perf_counter()
    check_references(note)
    canonical_code(note)
    assert time.perf_counter() - started < 3
