"""The curated abbreviation and lay-term tables: well formed, and each entry finds codes."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import Engine

from domain.search.expansions import DATA, TABLES, expansions, read_table
from domain.search.lexicon import lexicon
from tests.search.conftest import Find


@pytest.mark.parametrize("name", TABLES)
def test_table_rows_are_well_formed_and_unique(name: str) -> None:
    rows = read_table(DATA / name)
    assert len(rows) >= 100
    dupes = [p for p, n in Counter(r.phrase for r in rows).items() if n > 1]
    assert not dupes
    for row in rows:
        assert row.phrase and all(row.alternatives), row.source


def test_the_common_abbreviations_are_there() -> None:
    table = expansions()
    for abbr in ("copd", "uti", "chf", "htn", "dm", "mi", "gerd", "ckd", "afib", "cad", "dvt",
                 "osa", "bph", "tia", "aki", "esrd", "adhd", "ptsd", "sob", "uri", "ra", "oa"):
        assert (abbr,) in table, abbr


def test_every_expansion_uses_indexed_words(engine: Engine, release_id: int) -> None:
    """An expansion whose words the tabular never uses could never match: a typo in the table."""
    with engine.connect() as conn:
        lex = lexicon(conn, release_id)
    unknown = [(row.source, alt) for row in expansions().values() for alt in row.alternatives
               if not all(lex.knows(lex.stem_of(w)) for w in alt)]
    assert not unknown


@pytest.mark.parametrize(("query", "first_five"), [
    ("COPD", "J44.9"), ("copd", "J44.9"), ("UTI", "N39.0"), ("CHF", "I50.9"), ("HTN", "I10"),
    ("T2DM", "E11.9"), ("MI", "I21.9"), ("GERD", "K21.9"), ("CKD", "N18.9"), ("AFib", "I48.91"),
    ("DVT", "I82.409"), ("OSA", "G47.33"), ("TIA", "G45.9"), ("PE", "I26.99"),
    ("heart attack", "I21.9"), ("kidney stone", "N20.0"), ("pink eye", "H10.9"),
    ("hives", "L50.9"), ("copd exacerbation", "J44.1"),
])
def test_abbreviations_and_lay_terms_find_the_code(find: Find, query: str,
                                                  first_five: str) -> None:
    assert first_five in find(query)[:5]


def test_an_english_word_expands_only_in_capitals(find: Find) -> None:
    assert "I35.0" in find("AS")[:5]  # aortic stenosis
    assert find("fracture as") == find("fracture")  # "as" stays a stop word
    assert "C91.00" in find("ALL")[:5]  # acute lymphoblastic leukemia
    assert not any(c.startswith("C91") for c in find("all fractures", limit=50))
