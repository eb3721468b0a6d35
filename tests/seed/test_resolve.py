"""The ``with ...`` qualifiers of note references, as filters on codes."""

from __future__ import annotations

import pytest

from systems.icd10cm.resolve import qualifier_filter

CASES = [
    ("with fifth or sixth character 5", ["T360X5A", "T36015A"], ["T360X1A"]),
    ("with fifth or six character 5", ["T360X5A"], ["T360X1A"]),  # the tabular's typo
    ("with fifth or sixth character 1-4 or 6", ["T360X6A", "T360X1A"], ["T360X5A"]),
    ("with a 7th character of 1 through 9", ["O3110X1"], ["O3110X0"]),
    ("with 7th character B or C", ["S52001B", "S52001C"], ["S52001A"]),
    ("with .17, .27, .97", ["F1017", "F1197"], ["F1018"]),
    ("with .51-.52", ["F1051", "F1052"], ["F1053"]),
    ("with .15. .25, .95", ["F1015", "F1025"], ["F1016"]),
    ("with .62-", ["F10620"], ["F1061"]),
    ("with final characters .00 or .01", ["E0800", "E0801"], ["E0810"]),
    ("with final characters -23", ["I69023"], ["I69024"]),
    ("with fifth to sixth characters 51", ["F11151"], ["F11150"]),
    ("with 5th character .6", ["M1A06"], ["M1A05"]),
]


@pytest.mark.parametrize(("qualifier", "kept", "dropped"), CASES)
def test_qualifier_filters(qualifier: str, kept: list[str], dropped: list[str]) -> None:
    keep = qualifier_filter(qualifier)
    assert keep is not None
    assert all(keep(k) for k in kept) and not any(keep(k) for k in dropped)


@pytest.mark.parametrize("qualifier", ["with ketoacidosis", "with fifth or sixth character to "
                                       "indicate intent", None, ""])
def test_word_qualifiers_leave_the_range_alone(qualifier: str | None) -> None:
    assert qualifier_filter(qualifier) is None
