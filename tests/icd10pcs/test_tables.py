"""The tables file and its expansion into codes, counted here independently of the reader."""

from __future__ import annotations

import gzip
import itertools
import xml.etree.ElementTree as ET
from collections import Counter
from math import prod
from pathlib import Path

import pytest

from systems.icd10pcs.bundled import bundled_files
from systems.icd10pcs.tables import count_codes, expand, read_tables

from ._data import code_map, codes, tables

TOTAL = 79_115
BY_SECTION = {
    "0": 68_419, "1": 305, "2": 861, "3": 1_273, "4": 422, "5": 59, "6": 47, "7": 100,
    "8": 90, "9": 90, "B": 2_978, "C": 463, "D": 2_057, "F": 1_388, "G": 28, "H": 59, "X": 476,
}


def _walk() -> ET.Element:
    """The tables file's root, read with ElementTree alone (no code from the package)."""
    with gzip.open(bundled_files().tables) as stream:
        return ET.parse(stream).getroot()


def test_counts_from_a_separate_walk_match_the_reader() -> None:
    root = _walk()
    by_section: Counter[str] = Counter()
    combinations: set[str] = set()
    for table in root.iter("pcsTable"):
        prefix = "".join(label.get("code", "") for pos in (1, 2, 3)
                         for label in table.findall(f"axis[@pos='{pos}']/label"))
        for row in table.iter("pcsRow"):
            axes = sorted(row.findall("axis"), key=lambda axis: axis.get("pos", ""))
            values = [[label.get("code", "") for label in axis.findall("label")] for axis in axes]
            by_section[prefix[0]] += prod(len(v) for v in values)
            combinations.update(prefix + "".join(c) for c in itertools.product(*values))
    # the sum over rows equals the distinct codes only because no code is in two rows
    assert sum(by_section.values()) == len(combinations) == TOTAL
    assert dict(by_section) == BY_SECTION

    counts = count_codes(tables())
    assert counts.total == TOTAL
    assert counts.by_section == BY_SECTION
    assert counts.duplicates == {}
    assert len(codes()) == TOTAL
    assert {code.code for code in codes()} == combinations


def test_file_header_and_tables() -> None:
    release = tables()
    assert (release.version, release.title) == ("2026", "2026 ICD-10-PCS Tables")
    assert len(release.tables) == 914
    assert sum(len(table.rows) for table in release.tables) == 2_733
    resection = release.by_code()["0DT"]
    assert (resection.section.label, resection.body_system.label, resection.operation.label) == (
        "Medical and Surgical", "Gastrointestinal System", "Resection")
    assert resection.axis_titles == ("Section", "Body System", "Operation")
    assert resection.definition == "Cutting out or off, without replacement, all of a body part"
    # the 57 radiation therapy (D) tables carry no operation definition
    assert sum(table.definition is None for table in release.tables) == 57


@pytest.mark.parametrize("code", ["0DTJ4ZZ", "02100Z9", "10D00Z1", "3E0234Z", "0016070",
                                  "5A1955Z", "BW25ZZZ", "GZ3ZZZZ", "HZ2ZZZZ", "XW043C7"])
def test_known_codes_are_valid(code: str) -> None:
    assert code in code_map()


@pytest.mark.parametrize("code", [
    "0DTJ3ZZ",  # appendix resection allows no percutaneous approach
    "0DTJ4ZX",  # ... nor a diagnostic qualifier
    "02100ZZ",  # a coronary bypass names its source
    "10D00Z9",  # no such extraction qualifier
    "3E0234A",  # vaccine into muscle takes no qualifier
    "0DT",      # a table is not a code
    "0DZJ4ZZ",  # no such table
])
def test_invalid_combinations_are_absent(code: str) -> None:
    assert code not in code_map()


def test_each_character_carries_its_axis() -> None:
    axes = code_map()["0DTJ4ZZ"].axes
    assert [(a.position, a.title, a.value, a.label) for a in axes] == [
        (1, "Section", "0", "Medical and Surgical"),
        (2, "Body System", "D", "Gastrointestinal System"),
        (3, "Operation", "T", "Resection"),
        (4, "Body Part", "J", "Appendix"),
        (5, "Approach", "4", "Percutaneous Endoscopic"),
        (6, "Device", "Z", "No Device"),
        (7, "Qualifier", "Z", "No Qualifier"),
    ]
    imaging = code_map()["BW25ZZZ"].axes
    assert [a.title for a in imaging[3:]] == ["Body Part", "Contrast", "Qualifier", "Qualifier"]


def test_a_code_in_two_rows_counts_once(tmp_path: Path) -> None:
    path = tmp_path / "dup.xml"
    row = ("<pcsRow><axis pos='4'><title>Body Part</title><label code='J'>Appendix</label>"
           "</axis><axis pos='5'><title>Approach</title><label code='0'>Open</label>"
           "<label code='4'>Percutaneous Endoscopic</label></axis>"
           "<axis pos='6'><title>Device</title><label code='Z'>No Device</label></axis>"
           "<axis pos='7'><title>Qualifier</title><label code='Z'>No Qualifier</label></axis>"
           "</pcsRow>")
    path.write_text(
        "<ICD10PCS.tabular><version>2099</version><pcsTable>"
        "<axis pos='1'><title>Section</title><label code='0'>Medical and Surgical</label></axis>"
        "<axis pos='2'><title>Body System</title><label code='D'>GI</label></axis>"
        "<axis pos='3'><title>Operation</title><label code='T'>Resection</label></axis>"
        f"{row}{row}</pcsTable></ICD10PCS.tabular>")
    release = read_tables(path)
    assert [code.code for code in expand(release)] == ["0DTJ0ZZ", "0DTJ4ZZ"]
    counts = count_codes(release)
    assert (counts.total, counts.duplicates) == (2, {"0DTJ0ZZ": 2, "0DTJ4ZZ": 2})
