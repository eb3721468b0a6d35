"""Units of the analysis: stems, word costs, the typo corrector, query plans."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from domain.search.analysis import encode, entry_tokens
from domain.search.lexicon import Lexicon, lexicon, osa_distance
from domain.search.query import build_plan, query_tokens
from domain.search.spelling import deletions
from domain.search.stemmer import stem


@pytest.mark.parametrize(("a", "b"), [
    ("diabetes", "diabetic"), ("hypertension", "hypertensive"), ("fractures", "fracture"),
    ("anemia", "anemic"), ("pneumonia", "pneumonic"), ("allergy", "allergic"),
    ("injuries", "injury"), ("infected", "infection"), ("eyes", "eye"), ("feet", "foot"),
    ("obstructive", "obstruction"), ("complications", "complicated"),
])
def test_stems_join_forms_of_a_word(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize(("a", "b"), [
    ("hepatitis", "hepatic"), ("bronchitis", "bronchial"), ("gastritis", "gastric"),
    ("organism", "organ"), ("parkinsonism", "parkinson"), ("stemi", "stem"),
])
def test_stems_keep_apart_what_medicine_keeps_apart(a: str, b: str) -> None:
    assert stem(a) != stem(b)


@pytest.mark.parametrize(("title", "encoded"), [
    ("Essential (primary) hypertension", "essential ~primary hypertension"),
    ("Pneumonia, unspecified organism", "pneumonia ~unspecified ~organism"),
    ("Urinary tract infection, site not specified",
     "urinary tract infection ~site ~not ~specified"),
    ("Type 2 diabetes mellitus without complications",
     "type 2 diabetes mellitus -without _complications"),
    ("Unspecified asthma, uncomplicated", "~unspecified asthma -uncomplicated"),
    ("Chronic respiratory failure, unspecified whether with hypoxia or hypercapnia",
     "chronic respiratory failure ~unspecified ~whether ~hypoxia ~hypercapnia"),
    ("Diverticulitis, without perforation or abscess with bleeding",
     "diverticulitis -without _perforation _abscess bleeding"),
    ("Hypo-osmolality and hyponatremia", "=hypo =osmolality hyponatremia"),
    ("Other specified sepsis", "other -specified sepsis"),
])
def test_word_costs_follow_the_tabular_conventions(title: str, encoded: str) -> None:
    assert encode(entry_tokens(title)) == encoded


def test_osa_distance() -> None:
    assert osa_distance("pnuemonia", "pneumonia", 2) == 1
    assert osa_distance("diabtes", "diabetes", 2) == 1
    assert osa_distance("colecystitis", "cholecystitis", 2) == 1
    assert osa_distance("abc", "xyz", 2) == 3
    assert "diabtes" in deletions("diabetes", 1)


def test_query_tokens_keep_codes_and_capitals() -> None:
    assert query_tokens("E11.9 and COPD, Parkinson's") == [
        ("e119", True), ("and", False), ("copd", True), ("parkinson", False)]


@pytest.fixture(scope="module")
def lex(engine: Engine, release_id: int) -> Lexicon:
    with engine.connect() as conn:
        return lexicon(conn, release_id)


def test_the_dictionary_corrects_typos(lex: Lexicon) -> None:
    assert lex.corrections("pnuemonia")[0] == ("pneumonia", 1)
    assert lex.corrections("diabtes")[0] == ("diabetes", 1)
    assert lex.corrections("hypothyrodism")[0] == ("hypothyroidism", 1)
    assert lex.corrections("abc") == []  # too short to guess
    assert lex.prefixed("diab") == ["diabet"]


def test_plans(lex: Lexicon) -> None:
    plan = build_plan("the fractures of femur", lex)
    assert [s.typed for s in plan.slots] == ["fractures", "femur"]
    assert any(a.prefix for a in build_plan("fracture of fem", lex).slots[-1].alts)
    assert any(a.prefix for a in build_plan("ear", lex).slots[-1].alts)  # early, earlobe...
    assert not any(a.prefix for a in build_plan("ear ", lex).slots[-1].alts)  # a space ends it
    copd = build_plan("COPD", lex).slots[0]
    assert ("chronic", "obstruct", "pulmonar", "diseas") in [a.terms for a in copd.alts]
    assert build_plan("qqqzzz", lex).slots == []
    assert 'AND' in build_plan("diabetes type 2", lex).fts([(0, 1, 2)])
