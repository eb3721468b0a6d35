"""Sections and subsections by code range (the narrowest wins), and the descriptor families of
the semicolon convention."""

from __future__ import annotations

import pytest

from systems.cpt.families import families
from systems.cpt.sections import SECTIONS, section_of


@pytest.mark.parametrize(("code", "section", "subsection"), [
    ("96425", "Medicine", "96401-96549"),
    ("96549", "Medicine", "96401-96549"),
    ("90281", "Medicine", "90281-90399"),
    ("99607", "Medicine", "99605-99607"),
    ("99202", "Evaluation and Management", "99202-99215"),  # inside Medicine's range
    ("99499", "Evaluation and Management", None),
    ("99500", "Medicine", "99500-99602"),
    ("00100", "Anesthesia", "00100-00222"),
    ("33533", "Surgery", "33016-37799"),
    ("77067", "Radiology", "77046-77067"),
    ("88305", "Pathology and Laboratory", "88300-88399"),
    ("0002M", "Pathology and Laboratory", "0001M-9999M"),
    ("0001A", "Medicine", "0001A-9999A"),
    ("3074F", "Category II (performance measurement)", "3000F-3999F"),
    ("0042T", "Category III (emerging technology)", None),
    ("0001U", "Proprietary Laboratory Analyses (PLA)", None),
    ("69995", "Surgery", None),  # between the printed ranges: the section it follows
])
def test_a_code_sits_in_the_narrowest_range(code: str, section: str,
                                            subsection: str | None) -> None:
    found, block = section_of(code)
    assert (found.name, block.code if block else None) == (section, subsection)


def test_subsections_lie_inside_their_section_and_do_not_overlap() -> None:
    for section in SECTIONS:
        ranges = sorted(section.subsections, key=lambda r: r.first)
        for r in ranges:
            assert any(r.first in b and r.last in b for b in section.bounds), r.code
        for a, b in zip(ranges, ranges[1:], strict=False):
            assert a.last < b.first or a.first[-1] != b.first[-1], (a.code, b.code)


def test_families_share_the_text_before_the_semicolon_within_a_subsection() -> None:
    texts = {
        "96420": "Zorbital delivery, artery; push",
        "96422": "Zorbital  delivery, ARTERY; drip, first hour",  # spacing and case aside
        "96423": "Zorbital delivery, artery; drip, each further hour",
        "96425": "Zorbital delivery, artery; long drip",
        "96440": "Zorbital delivery, chest lining",  # no semicolon: no family
        "96446": "Zorbital delivery, belly lining; with zorbital port",  # alone in its stem
        "99213": "Zorbital delivery, artery; not the same subsection",
    }
    places = {c: "96401-96549" for c in texts} | {"99213": "99202-99215"}
    assert families(texts, places) == [["96420", "96422", "96423", "96425"]]
