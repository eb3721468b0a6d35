"""The FY2023 Alphabetic Index as (term path, pointer) pairs for search."""

from __future__ import annotations

from collections import Counter

from systems.icd10pcs.index import current_pointers, pointer_allowed, term_pointers

from ._data import index, tables


def _pointers(main_term: str) -> list[tuple[tuple[str, ...], str, str]]:
    return [(p.path, p.pointer, p.kind) for p in term_pointers(index()) if p.path[0] == main_term]


def test_file_header_and_counts() -> None:
    release = index()
    assert (release.version, release.title) == ("2023", "2023 ICD-10-PCS Index")
    assert len(release.entries) == 18_583
    assert Counter(entry.kind for entry in release.entries) == {
        "code": 14_590, "use": 2_241, "see": 1_752}
    pairs = term_pointers(release)
    assert len(pairs) == 16_210
    assert Counter(len(pair.pointer) for pair in pairs) == {
        3: 1_349, 4: 11_464, 5: 370, 6: 260, 7: 2_767}


def test_appendectomy_cholecystectomy_cesarean() -> None:
    assert _pointers("Appendectomy") == [
        (("Appendectomy",), "0DBJ", "see"), (("Appendectomy",), "0DTJ", "see")]
    assert _pointers("Cholecystectomy") == [
        (("Cholecystectomy",), "0FB4", "see"), (("Cholecystectomy",), "0FT4", "see")]
    assert _pointers("Cesarean section") == [(("Cesarean section",), "10D0", "see")]
    see = [e for e in index().entries if e.path == ("Appendectomy",)]
    assert [e.reference for e in see] == ["Excision, Appendix", "Resection, Appendix"]


def test_subterms_tables_and_codes() -> None:
    abortion = _pointers("Abortion")
    assert (("Abortion", "Products of Conception"), "10A0", "code") in abortion
    assert (("Abortion", "Vacuum"), "10A07Z6", "code") in abortion
    assert (("Acetabulectomy",), "0QB", "see") in _pointers("Acetabulectomy")
    lower_back = _pointers("Change device in")
    assert (("Change device in", "Back", "Lower"), "0W2LX", "code") in lower_back


def test_use_references_name_axis_values() -> None:
    achilles = [e for e in index().entries if e.path == ("Achilles tendon",)]
    assert [(e.kind, e.reference, e.pointer) for e in achilles] == [
        ("use", "Lower Leg Tendon, Right", None), ("use", "Lower Leg Tendon, Left", None)]


def test_only_pointers_the_fy2026_tables_allow_are_current() -> None:
    pairs = term_pointers(index())
    current = current_pointers(pairs, tables())
    assert len(current) == 16_027
    by_code = tables().by_code()
    assert pointer_allowed("0DTJ", by_code)
    assert pointer_allowed("0DT", by_code)
    assert pointer_allowed("0DTJ4ZZ", by_code)
    assert not pointer_allowed("0DTJ3", by_code)  # no percutaneous appendix resection
    kept = set(current)
    gone = [pair for pair in pairs if pair not in kept]
    assert len(gone) == 183
    # e.g. New Technology codes of FY2023 that FY2026 no longer has
    assert ("Aquablation therapy, prostate",) in {pair.path for pair in gone}
    assert ("Appendectomy",) in {pair.path for pair in current}
