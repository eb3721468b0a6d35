"""Reading notes as coders do: qualified ranges, note lines put back together, nearest codes."""

from __future__ import annotations

import pytest

from domain.validation.nearest import fuzzy_key, osa_distance
from systems.icd10cm.notes import (
    CODE_FIRST,
    EXCLUDES1,
    USE_ADDITIONAL_CODE,
    NoteRow,
    instructions,
    qualifier,
)


def ref(target_code: str, targets: list[str], kind: str = EXCLUDES1,
        note: str = "x") -> NoteRow:
    return NoteRow(1, kind, note, target_code, targets)


@pytest.mark.parametrize(("target_code", "targets", "passes", "fails"), [
    ("E08-E13 with .42", ["E08-E13"], ["E1142", "E0842"], ["E119", "E1140"]),
    ("E08-E13 with .51-.52", ["E08-E13"], ["E1151", "E1352"], ["E1159"]),
    ("E13 with final characters .00 or .01", ["E13"], ["E1300", "E1301"], ["E1310"]),
    ("I69. with final characters -23", ["I69"], ["I69023", "I69323"], ["I69320", "I6923X"]),
    ("F11-F19 with fifth to sixth characters 51", ["F11"], ["F11151"], ["F11150"]),
    ("A37 with fifth-character 1", ["A37"], ["A3701", "A3791"], ["A3700"]),
    ("T36-T50 with fifth or sixth character 5", ["T36-T50"], ["T360X5A", "T3695XA"],
     ["T360X1A"]),
    ("S42.- with 7th character B or C", ["S42"], ["S42001B", "S42001C"], ["S42001A"]),
    ("T39.0-, with sixth character 1-4", ["T39"], ["T39011A", "T39094A"], ["T39015A"]),
])
def test_qualified_ranges(target_code: str, targets: list[str], passes: list[str],
                          fails: list[str]) -> None:
    check = qualifier(ref(target_code, targets))
    assert callable(check)
    assert all(check(k) for k in passes)
    assert not any(check(k) for k in fails)


def test_unreadable_qualification_over_a_whole_category_is_skipped() -> None:
    assert qualifier(ref("E13 with ketoacidosis", ["E13"])) is False
    assert qualifier(ref("S52.- with open fracture 7th character", ["S52"])) is False
    # "to indicate intent" is no character: not read as a character "T"
    assert qualifier(ref("T51-T65 with fifth or sixth character to indicate intent",
                         ["T51-T65"])) is False


def test_unqualified_references_stand_as_resolved() -> None:
    assert qualifier(ref("E10.-", ["E10"])) is None
    # precisely resolved, qualification unreadable: trust the resolution
    assert qualifier(ref("S06.0X- with seventh character A", ["S060X0A"])) is not False


def test_code_first_lines_are_one_instruction() -> None:
    rows = [NoteRow(1, CODE_FIRST, "underlying disease, such as:", None),
            NoteRow(2, CODE_FIRST, "amyloidosis (E85.-)", "E85.-", ["E85"]),
            NoteRow(3, CODE_FIRST, "endocrine disease, except diabetes (E00-E07, E15-E16)",
                    "E00-E07", ["E00-E07"]),
            NoteRow(4, CODE_FIRST, "endocrine disease, except diabetes (E00-E07, E15-E16)",
                    "E15-E16", ["E15-E16"])]
    [inst] = instructions(rows, CODE_FIRST)
    assert inst.targets == ["E85", "E00-E07", "E15-E16"]
    assert inst.text() == ("Code first underlying disease, such as: amyloidosis (E85.-); "
                           "endocrine disease, except diabetes (E00-E07, E15-E16)")
    assert not inst.conditional


def test_use_additional_code_headings_group_their_lines() -> None:
    rows = [NoteRow(1, USE_ADDITIONAL_CODE, "code to identify the organism (B95, B96)", "B95",
                    ["B95"]),
            NoteRow(2, USE_ADDITIONAL_CODE, "code to identify the organism (B95, B96)", "B96",
                    ["B96"]),
            NoteRow(3, USE_ADDITIONAL_CODE, "code, if applicable, to identify:", None),
            NoteRow(4, USE_ADDITIONAL_CODE, "tobacco use (Z72.0)", "Z72.0", ["Z720"])]
    first, second = instructions(rows, USE_ADDITIONAL_CODE)
    assert first.targets == ["B95", "B96"] and not first.conditional
    assert second.targets == ["Z720"] and second.conditional
    assert second.text() == "Use additional code, if applicable, to identify: tobacco use (Z72.0)"


def test_excludes1_lines_keep_their_heading() -> None:
    rows = [NoteRow(1, EXCLUDES1, "polyneuropathy (in):", None),
            NoteRow(2, EXCLUDES1, "diphtheria (A36.83)", "A36.83", ["A3683"]),
            NoteRow(3, EXCLUDES1, "mumps (B26.84)", "B26.84", ["B2684"])]
    texts = [i.text() for i in instructions(rows, EXCLUDES1)]
    assert texts == ["Excludes1: polyneuropathy (in): diphtheria (A36.83)",
                     "Excludes1: polyneuropathy (in): mumps (B26.84)"]


def test_edit_distance_counts_a_transposition_once() -> None:
    assert osa_distance("E191", "E119") == 1
    assert osa_distance("E1199", "E119") == 1
    assert osa_distance("S300A", "S300XXA") == 2
    assert fuzzy_key(" e11.9; drop ") == "E119DROP"
