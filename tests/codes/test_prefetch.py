"""``code``/``codes`` prefetch their codes' notes (schema/codes/prefetch.py); every other way to a
code (children, ancestors) goes through the loaders. Both must answer the same."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.conftest import gql

FIELDS = """code display billable level system release
  descriptions { kind text }
  parent { code display descriptions { text } related(inherited: false) { kind sourceCode } }
  related { kind note targetCode sourceCode inherited targets { code display level } }
  excludes1: related(kinds: [EXCLUDES1]) { targetCode sourceCode inherited targets { code } }
  own: related(inherited: false) { kind targetCode inherited targets { code } }
  guidelines { kind text sourceCode inherited }
  ownGuidelines: guidelines(inherited: false) { kind text sourceCode inherited }"""

# Through the loaders: the children of a code, and its ancestors.
CHILDREN = "query($c: String!) { code(system: ICD10CM, code: $c) { children { ...F } } }"
ANCESTORS = "query($c: String!) { code(system: ICD10CM, code: $c) { ancestors { ...F } } }"
# Prefetched: the same codes asked by code.
CODES = """query($c: [String!]!, $d: Date) {
  codes(system: ICD10CM, codes: $c, asOf: $d) { ...F } }"""
FRAGMENT = f"\nfragment F on Code {{ {FIELDS} }}"


def ask(client: TestClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    body = gql(client, query + FRAGMENT, variables, headers)
    assert "errors" not in body, body
    return body["data"]


@pytest.mark.parametrize("parent", ["T36.0X1", "S52.001", "E11", "N18", "O09.A", "E08-E13"])
def test_prefetched_children_answer_as_loaded_ones(client: TestClient,
                                                   partner: dict[str, str],
                                                   parent: str) -> None:
    loaded = ask(client, partner, CHILDREN, c=parent)["code"]["children"]
    assert loaded
    codes = [c["code"] for c in loaded]
    assert ask(client, partner, CODES, c=codes)["codes"] == loaded
    # As of a date in the same release, and with repeats and unknown codes in between.
    mixed = ask(client, partner, CODES, c=["nope", *codes, codes[0]], d="2026-01-15")["codes"]
    assert mixed == [None, *loaded, loaded[0]]


@pytest.mark.parametrize("code", ["S52.001A", "T36.0X1D", "E11.9", "A00.0"])
def test_prefetched_ancestors_answer_as_loaded_ones(client: TestClient,
                                                    partner: dict[str, str], code: str) -> None:
    loaded = ask(client, partner, ANCESTORS, c=code)["code"]["ancestors"]
    assert len(loaded) >= 3
    assert ask(client, partner, CODES, c=[c["code"] for c in loaded])["codes"] == loaded


def test_seventh_character_guideline_is_the_nearest(client: TestClient,
                                                    partner: dict[str, str]) -> None:
    [code] = ask(client, partner, CODES, c=["T36.0X1A"])["codes"]
    sevenths = {g["sourceCode"] for g in code["guidelines"] if g["kind"] == "SEVENTH_CHARACTER"}
    assert sevenths == {"T36"}
    assert all(g["inherited"] is (g["sourceCode"] != "T36.0X1A") for g in code["guidelines"])


CODE_TABLES = ("code", "description", "related_code", "related_target", "guideline")


def code_statements(client: TestClient, engine: Engine, query: str,
                    headers: dict[str, str]) -> int:
    """Statements that read codes and notes (not the key check or metering around them)."""
    seen: list[str] = []

    def on(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if any(f"FROM {t}\n" in statement or f"FROM {t} " in statement for t in CODE_TABLES):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", on)
    try:
        body = gql(client, query, {}, headers)
    finally:
        event.remove(engine, "before_cursor_execute", on)
    assert "errors" not in body, body
    return len(seen)


def test_aliased_lookups_share_one_prefetch(client: TestClient, engine: Engine,
                                            partner: dict[str, str]) -> None:
    one = f'{{ a: code(system: ICD10CM, code: "E11.9") {{ {FIELDS} }} }}'
    many = "{ " + " ".join(
        f'a{i}: code(system: ICD10CM, code: "{c}") {{ {FIELDS} }}'
        for i, c in enumerate(["E11.9", "S52.001A", "T36.0X1A", "N18.4", "A00.0", "O09.A0"])
    ) + f' all: codes(system: ICD10CM, codes: ["I10", "E10.9"]) {{ {FIELDS} }} }}'
    single = code_statements(client, engine, one, partner)
    # By key, ancestors, descriptions, guidelines, notes, targets; the parents' descriptions.
    assert 6 <= single <= 7
    assert code_statements(client, engine, many, partner) == single
