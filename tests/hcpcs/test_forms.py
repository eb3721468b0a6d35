"""The two file forms give the same records; how the text file's description lines join."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields, replace
from datetime import date

from systems.hcpcs.records import join_description, normalize_text

from ._data import jan, oct_, raw_txt_lines, raw_xlsx_rows


def test_unchanged_codes_give_identical_records() -> None:
    """Codes that neither file marks as touched (action N in both, no back-filled dates)."""
    old, new = oct_().by_code(), jan().by_code()
    unchanged = [code for code, record in old.items()
                 if record.action_code == "N" and record.action_effective_date is not None
                 and new[code].action_code == "N"]
    assert len(unchanged) == 8_197
    different = {code: [f.name for f in fields(old[code])
                        if getattr(old[code], f.name) != getattr(new[code], f.name)]
                 for code in unchanged if old[code] != new[code]}
    # Two changes CMS made without an action code: E1005's action effective date was
    # corrected (2014-04-01 -> 2004-01-01) and J1572 lost its ASC approval.
    assert different == {"E1005": ["action_effective_date"],
                         "J1572": ["asc_payment_group", "asc_effective_date"]}
    assert old["E1005"].action_effective_date == date(2014, 4, 1)
    assert new["E1005"].action_effective_date == date(2004, 1, 1)
    assert replace(old["J1572"], asc_payment_group=None, asc_effective_date=None) == new["J1572"]


def test_every_code_of_october_is_in_january() -> None:
    assert set(oct_().by_code()) <= set(jan().by_code())


def _segments() -> dict[str, list[str]]:
    """code -> the 80-character description segments of its lines, from the raw file."""
    segments: dict[str, list[str]] = {}
    for line in raw_txt_lines():
        text = line.decode("ascii")
        if text[10] in "37":
            segments[text[:5].strip()] = [text[11:91]]
        elif text[10] in "48":
            segments[text[:5].strip()].append(text[11:91])
    return segments


def test_continuation_lines_wrap_at_word_boundaries() -> None:
    """Every wrapped segment ends in a blank; the next starts with one only where the text
    had two blanks at that point (G0501, G9678: the workbook shows both)."""
    breaks: Counter[tuple[bool, bool]] = Counter()
    starting_blank = []
    for code, parts in _segments().items():
        for before, after in zip(parts, parts[1:], strict=False):
            breaks[(before.endswith(" "), after.startswith(" "))] += 1
            if after.startswith(" "):
                starting_blank.append(code)
    assert breaks == {(True, False): 7_606, (True, True): 2}
    assert starting_blank == ["G0501", "G9678"]
    workbook_text = {str(row[0]).strip(): str(row[3]) for row in raw_xlsx_rows()[1:]}
    assert "management  visit" in workbook_text["G0501"]
    assert "payment for  ocm" in workbook_text["G9678"]


def test_join_rule_against_the_workbook_text() -> None:
    """One space at each wrap: 309 of 8,846 texts differ, 294 changed (action C) and 15 in
    blanks only, where the workbook has a double blank at the wrap point."""
    header, *rows = raw_xlsx_rows()
    workbook_text = {str(row[0]).strip(): str(row[3]) for row in rows}
    segments = _segments()
    actions = {r.code: r.action_code for r in jan().records}
    mismatched = [code for code, text in workbook_text.items()
                  if join_description(segments[code]) != text]
    assert len(mismatched) == 309
    assert Counter(actions[code] for code in mismatched) == {"C": 294, "N": 15}
    blanks_only = [code for code in mismatched if actions[code] == "N"]
    assert all(normalize_text(join_description(segments[code]))
               == normalize_text(workbook_text[code]) for code in blanks_only)
    assert "prostate needle  biopsy" in workbook_text["G0417"]
    assert jan().by_code()["G0417"].long_description == oct_().by_code()["G0417"].long_description


def test_descriptions_are_folded_the_same_way() -> None:
    for file in (jan(), oct_()):
        for record in file.records:
            assert record.long_description == normalize_text(record.long_description)
            assert record.short_description == normalize_text(record.short_description)
            assert record.long_description and record.short_description
