"""Importer facts against the official FY2026 tabular XML (no database)."""

from __future__ import annotations

import importlib
import random
from collections import Counter
from types import ModuleType

import pytest

from systems.icd10cm import importer as icd10cm
from systems.icd10cm.references import parse_references
from systems.icd10cm.resolve import Resolver
from systems.icd10cm.tabular import Node, Tabular, parse_tabular, seventh_character_exclusions


@pytest.fixture(scope="module")
def tabular() -> Tabular:
    return parse_tabular(icd10cm.bundled_source().path)


@pytest.fixture(scope="module")
def independent() -> ModuleType:
    """The simple-icd-10-cm package's own reader, imported here rather than at the top: its
    import parses the whole tabular (2.5 s), which every pytest-xdist worker would pay while
    collecting, whichever of them runs this module."""
    return importlib.import_module("simple_icd_10_cm")


@pytest.fixture(scope="module")
def by_code(tabular: Tabular) -> dict[str, Node]:
    return {n.code: n for n in tabular.nodes}


def parent_code(tabular: Tabular, node: Node) -> str | None:
    return None if node.parent is None else tabular.nodes[node.parent].code


def test_counts_match_cms(tabular: Tabular) -> None:
    assert tabular.version == "2026"
    assert tabular.billable_count == 74_719  # CMS's published FY2026 count
    levels = Counter(n.level for n in tabular.nodes)
    assert levels["CHAPTER"] == 22
    assert levels["BLOCK"] == 297
    assert len(tabular.nodes) == 98_505


# (code, official title, billable, parent) across every chapter.
FACTS = [
    ("A00.0", "Cholera due to Vibrio cholerae 01, biovar cholerae", True, "A00"),
    ("B20", "Human immunodeficiency virus [HIV] disease", True, "B20-B20"),
    ("C50.911", "Malignant neoplasm of unspecified site of right female breast", True, "C50.91"),
    ("D63.1", "Anemia in chronic kidney disease", True, "D63"),
    ("E11", "Type 2 diabetes mellitus", False, "E08-E13"),
    ("E11.9", "Type 2 diabetes mellitus without complications", True, "E11"),
    ("E11.22", "Type 2 diabetes mellitus with diabetic chronic kidney disease", True, "E11.2"),
    ("F32.A", "Depression, unspecified", True, "F32"),
    ("G63", "Polyneuropathy in diseases classified elsewhere", True, "G60-G65"),
    ("H54.0X33", "Blindness right eye category 3, blindness left eye category 3", True, "H54.0X3"),
    ("I10", "Essential (primary) hypertension", True, "I10-I1A"),
    ("J44.9", "Chronic obstructive pulmonary disease, unspecified", True, "J44"),
    ("K21.9", "Gastro-esophageal reflux disease without esophagitis", True, "K21"),
    ("L03.115", "Cellulitis of right lower limb", True, "L03.11"),
    ("M1A.0710", "Idiopathic chronic gout, right ankle and foot, without tophus (tophi)", True,
     "M1A.071"),
    ("N18.30", "Chronic kidney disease, stage 3 unspecified", True, "N18.3"),
    ("O09.511", "Supervision of elderly primigravida, first trimester", True, "O09.51"),
    ("O31.10X0", "Continuing pregnancy after spontaneous abortion of one fetus or more, "
     "unspecified trimester, not applicable or unspecified", True, "O31.10"),
    ("P07.01", "Extremely low birth weight newborn, less than 500 grams", True, "P07.0"),
    ("Q21.0", "Ventricular septal defect", True, "Q21"),
    ("R40.20", "Unspecified coma", True, "R40.2"),
    ("R40.2112", "Coma scale, eyes open, never, at arrival to emergency department", True,
     "R40.211"),
    ("S52.001A", "Unspecified fracture of upper end of right ulna, initial encounter for closed "
     "fracture", True, "S52.001"),
    ("S00.00XA", "Unspecified superficial injury of scalp, initial encounter", True, "S00.00"),
    ("T36.0X1A", "Poisoning by penicillins, accidental (unintentional), initial encounter", True,
     "T36.0X1"),
    ("V00.01XA", "Pedestrian on foot injured in collision with roller-skater, initial encounter",
     True, "V00.01"),
    ("W19.XXXA", "Unspecified fall, initial encounter", True, "W19"),
    ("Y92.009", "Unspecified place in unspecified non-institutional (private) residence as the "
     "place of occurrence of the external cause", True, "Y92.00"),
    ("Z00.00", "Encounter for general adult medical examination without abnormal findings", True,
     "Z00.0"),
    ("U07.1", "COVID-19", True, "U07"),
    ("A00-A09", "Intestinal infectious diseases (A00-A09)", False, "1"),
    ("1", "Certain infectious and parasitic diseases (A00-B99)", False, None),
]


@pytest.mark.parametrize(("code", "title", "billable", "parent"), FACTS)
def test_code_facts(tabular: Tabular, by_code: dict[str, Node], code: str, title: str,
                    billable: bool, parent: str | None) -> None:
    node = by_code[code]
    assert node.display == title
    assert node.billable is billable
    assert parent_code(tabular, node) == parent


def test_chapters_cover_every_letter(tabular: Tabular) -> None:
    chapters = [n for n in tabular.nodes if n.level == "CHAPTER"]
    assert [c.code for c in chapters] == [str(i) for i in range(1, 23)]


def test_seventh_characters_and_placeholders(tabular: Tabular, by_code: dict[str, Node]) -> None:
    # A short code takes placeholder X up to six characters, then the 7th character.
    assert by_code["W19"].billable is False
    assert [tabular.nodes[i].code for i in by_code["W19"].children] == [
        "W19.XXXA", "W19.XXXD", "W19.XXXS"]
    # The nearest definition wins: S12.0- takes the fracture characters, S12.8 its own.
    assert len(by_code["S12.000"].children) == 6
    assert [tabular.nodes[i].code[-1] for i in by_code["S12.8"].children] == ["A", "D", "S"]
    # Placeholder diag in the XML (S06.0X) is a subcategory header.
    assert by_code["S06.0X"].level == "SUBCATEGORY"
    assert by_code["S06.0X"].billable is False


def test_s06_death_codes_take_only_initial_encounter(by_code: dict[str, Node]) -> None:
    assert "S06.1X7A" in by_code and "S06.1X8A" in by_code
    for absent in ("S06.1X7D", "S06.1X7S", "S06.1X8D", "S06.1X8S", "S06.347D"):
        assert absent not in by_code
    assert "S06.1X9D" in by_code  # other 6th characters keep D and S
    note = ("7th characters D and S do not apply to codes in category S06 with 6th character 7 - "
            "death due to brain injury prior to regaining consciousness, or 8 - death due to "
            "other cause prior to regaining consciousness.")
    assert seventh_character_exclusions(note) == ({"D", "S"}, "S06", 6, {"7", "8"})


def test_notes_are_attached_as_written(by_code: dict[str, Node]) -> None:
    e11 = by_code["E11"]
    assert ("EXCLUDES1", "type 1 diabetes mellitus (E10.-)") in e11.relations
    assert ("USE_ADDITIONAL_CODE", "code to identify control using: insulin (Z79.4)") in \
        e11.relations or any(k == "USE_ADDITIONAL_CODE" for k, _ in e11.relations)
    assert ("INCLUDES", "traumatic brain injury") in by_code["S06"].guidelines
    assert "Classical cholera" in by_code["A00.0"].inclusion_terms
    assert any(k == "SEVENTH_CHARACTER" and t.startswith("A:")
               for k, t in by_code["S52"].guidelines)
    assert by_code["I10"].guidelines and any("high blood pressure" in t
                                              for _, t in by_code["I10"].guidelines)


def resolve(tabular: Tabular, note: str) -> list[list[str]]:
    resolver = Resolver(tabular.nodes)
    return [[tabular.nodes[i].code for i in resolver.resolve(r)] for r in parse_references(note)]


def test_reference_resolution(tabular: Tabular) -> None:
    assert resolve(tabular, "diabetes due to underlying condition (E08.-)") == [["E08"]]
    assert resolve(tabular, "chronic kidney disease (N18.1-N18.6)") == [
        ["N18.1", "N18.2", "N18.3", "N18.4", "N18.5", "N18.6"]]
    assert resolve(tabular, "pre-existing hypertension (O10-O11, O13-O16)") == [
        ["O10", "O11"], ["O13", "O14", "O15", "O16"]]
    assert resolve(tabular, "infectious diseases (A00-B99)") == [["1"]]
    assert resolve(tabular, "intestinal infections (A00-A09)") == [["A00-A09"]]
    assert resolve(tabular, "neonatal diabetes mellitus (P70.2)") == [["P70.2"]]


def test_qualified_range_keeps_only_matching_codes(tabular: Tabular) -> None:
    [targets] = resolve(tabular, "adverse effect of drug (T36-T50 with fifth or sixth character 5)")
    assert "T36.0X5" in targets and "T50.995" in targets
    assert not any(t.startswith("T36.0X1") for t in targets)


def test_range_whose_end_is_gone_still_resolves(tabular: Tabular) -> None:
    [targets] = resolve(tabular, "localized abdominal pain (R10.1-R10.4-)")
    assert targets[:1] == ["R10.1"] and "R10.2" in targets


def test_unknown_reference_resolves_to_nothing(tabular: Tabular) -> None:
    # FY2026's F02 note still names G31.90, which the release does not hold.
    assert resolve(tabular, "other frontotemporal neurocognitive disorder (G31.90)") == [[]]


def test_random_sample_matches_an_independent_reader(tabular: Tabular,
                                                    independent: ModuleType) -> None:
    """Compare 400 random items, fact by fact, with the simple-icd-10-cm package's own reader."""
    rng = random.Random(2026)
    sample = rng.sample([n for n in tabular.nodes if n.level != "BLOCK"], 400)
    for node in sample:
        code = node.code
        # simple-icd-10-cm glues a 7th character's own inclusion note on with "/".
        assert independent.get_description(code).split("/\t")[0] == node.display, code
        kids = [tabular.nodes[i].code for i in node.children]
        theirs = independent.get_children(code)
        if code.startswith("S06") and len(code.replace(".", "")) == 6 and code[-1] in "78":
            theirs = [c for c in theirs if c.endswith("A")]  # S06 note: no D or S after 7/8
        assert kids == theirs, code
        if node.parent is not None and tabular.nodes[node.parent].level != "BLOCK":
            assert independent.get_parent(code) == tabular.nodes[node.parent].code, code
        own = {k: [t for kk, t in node.relations if kk == k] for k in ("EXCLUDES1", "EXCLUDES2")}
        if node.level != "CODE" or "." in code and len(code.replace(".", "")) < 7:
            assert own["EXCLUDES1"] == independent.get_excludes1(code), code
            assert own["EXCLUDES2"] == independent.get_excludes2(code), code
