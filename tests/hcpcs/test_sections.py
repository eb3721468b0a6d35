"""Every code of both files falls into a section (and a range, where its section has them)."""

from __future__ import annotations

from collections import Counter

import pytest

from systems.hcpcs.sections import SECTIONS, section_of

from ._data import jan, oct_


def test_every_code_of_both_files_has_a_section_and_range() -> None:
    for file in (oct_(), jan()):
        counts: Counter[str] = Counter()
        outside: list[str] = []
        for record in file.records:
            section, name, range_code, range_name = section_of(record.code)
            counts[section] += 1
            assert name
            ranges = next((s.ranges for s in SECTIONS if s.code == section), ())
            if ranges and range_code is None:
                outside.append(record.code)
            assert (range_code is None) == (range_name is None)
        # J0120-J8499 keeps the code books' bounds: January's new J0013 is below it.
        assert outside == ([] if file is oct_() else ["J0013"])
        assert counts["MODIFIER"] == 383
        assert sum(counts.values()) == len(file.records)
    assert counts == {
        "A": 849, "B": 51, "C": 606, "E": 671, "G": 1_992, "H": 94, "J": 1_209, "K": 175,
        "L": 938, "M": 502, "MODIFIER": 383, "P": 59, "Q": 610, "R": 3, "S": 533, "T": 114,
        "U": 5, "V": 212}


def test_ranges_do_not_overlap_and_stay_in_their_letter() -> None:
    for section in SECTIONS:
        bounds = [(r.first, r.last) for r in section.ranges]
        assert bounds == sorted(bounds)
        assert all(first[1] < second[0] for first, second in zip(bounds, bounds[1:],
                                                                 strict=False))
        assert all(first[0] == last[0] == section.code for first, last in bounds)


@pytest.mark.parametrize(("code", "expected"), [
    ("J9035", ("J", "Drugs Administered Other Than Oral Method, Chemotherapy Drugs",
               "J9000-J9999", "Chemotherapy Drugs")),
    ("J0120", ("J", "Drugs Administered Other Than Oral Method, Chemotherapy Drugs",
               "J0120-J8499", "Drugs Administered Other Than Oral Method")),
    ("J0013", ("J", "Drugs Administered Other Than Oral Method, Chemotherapy Drugs", None,
               None)),
    ("a0021", ("A", "Transportation Services Including Ambulance, Medical and Surgical "
                    "Supplies, Administrative, Miscellaneous and Investigational",
               "A0000-A0999", "Transportation Services Including Ambulance")),
    ("A4216", ("A", "Transportation Services Including Ambulance, Medical and Surgical "
                    "Supplies, Administrative, Miscellaneous and Investigational",
               "A2000-A8999", "Medical and Surgical Supplies")),
    ("L5000", ("L", "Orthotic and Prosthetic Procedures, Devices", "L5000-L9999",
               "Prosthetic Procedures")),
    ("V5364", ("V", "Vision, Hearing and Speech-Language Pathology Services", "V5362-V5999",
               "Speech-Language Pathology Services")),
    ("E0100", ("E", "Durable Medical Equipment", None, None)),
    ("D0120", ("D", "Dental Procedures", None, None)),
    (" lt ", ("MODIFIER", "HCPCS Level II Modifiers", None, None)),
])
def test_section_of(code: str, expected: tuple[str, str, str | None, str | None]) -> None:
    assert section_of(code) == expected


@pytest.mark.parametrize("code", ["99213", "W1234", "J90", "", "F0001", "0001F"])
def test_not_a_level_ii_code(code: str) -> None:
    with pytest.raises(KeyError):
        section_of(code)
