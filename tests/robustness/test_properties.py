"""Properties of the code normaliser (``CodeSystemSpec.normalise``), of
``systems.icd10cm.references.canonical_code`` and of the note-reference parser, checked against
the real release; and arbitrary strings through the API (``code``, ``codes``, ``validateCodes``,
``search``), which must never get a 5xx or an error.

tests/seed/test_references.py already covers the parser's invariants on arbitrary and
code-like text, canonical round trips of generated codes and linear time; this adds what the
real data can say: every stored code survives both normalisers, and notes written with real
codes parse back to exactly those codes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from domain.models import Code, Release
from domain.spec import KEY_SHAPE
from systems.icd10cm.references import canonical_code, parse_references
from systems.icd10cm.spec import ICD10CM
from systems.icd10cm.tabular import lookup_key
from tests.robustness.conftest import backend_of, counts_of, record

normalise = ICD10CM.normalise

PROPERTY = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
API_EXAMPLES = {"sqlite": 150, "postgresql": 75}


def api_settings(engine: Engine) -> settings:
    return settings(max_examples=API_EXAMPLES[backend_of(engine)], deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DASHES = re.compile("[-\u2010-\u2015\u2212]")


@dataclass(frozen=True, slots=True)
class NewestRelease:
    codes: tuple[str, ...]  # every code of the newest release, in tabular order
    levels: dict[str, str]
    keys: frozenset[str]


@pytest.fixture(scope="module")
def newest(engine: Engine) -> NewestRelease:
    with engine.connect() as conn:
        release_id = conn.execute(select(Release.id).where(Release.system_id == "ICD10CM")
                                  .order_by(Release.effective_from.desc()).limit(1)).scalar_one()
        rows = conn.execute(select(Code.code, Code.key, Code.level)
                            .where(Code.release_id == release_id)
                            .order_by(Code.sort_order)).all()
    return NewestRelease(tuple(r.code for r in rows), {r.code: r.level for r in rows},
                    frozenset(r.key for r in rows))


# --- the normalisers ------------------------------------------------------------------------------

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
code_shaped = st.builds(
    lambda a, b, c, rest: a + b + c + ("." + rest if rest else ""),
    st.sampled_from(UPPER), st.sampled_from(DIGITS), st.sampled_from(DIGITS + UPPER),
    st.text(alphabet=DIGITS + UPPER, max_size=4),
)


@st.composite
def scrambled(draw: st.DrawFn, code: str) -> str:
    """``code`` as people type it: any case, dot or no dot, stray whitespace."""
    text = code if draw(st.booleans()) else code.replace(".", "")
    text = "".join(c.lower() if draw(st.booleans()) else c for c in text)
    spaces = st.text(alphabet=" \t\n\u00a0\u3000", max_size=2)
    return draw(spaces) + text + draw(spaces)


@PROPERTY
@given(st.text())
def test_normalise_never_raises_and_is_a_fixed_point(raw: str) -> None:
    key = normalise(raw)
    if key is not None:
        assert KEY_SHAPE.fullmatch(key) and key.isascii()
        assert normalise(key) == key
        assert normalise(key.lower()) == key


@PROPERTY
@given(st.data())
def test_normalise_ignores_case_dots_and_whitespace(data: st.DataObject) -> None:
    code = data.draw(code_shaped)
    typed = data.draw(scrambled(code))
    assert normalise(typed) == lookup_key(code)


@PROPERTY
@given(st.one_of(st.text(max_size=12), code_shaped.flatmap(scrambled)))
def test_normalise_agrees_with_canonical_code(raw: str) -> None:
    """Where the parser's ``canonical_code`` reads a code, the lookup finds that code. (It
    also reads chapters with a leading zero and a trailing '-', which lookups do not.)"""
    canonical = canonical_code(raw)
    if canonical is None or canonical.isdigit() or DASHES.search(raw):
        return
    assert normalise(raw) == lookup_key(canonical)


def test_every_stored_code_survives_both_normalisers(newest: NewestRelease) -> None:
    for code in newest.codes:
        key = lookup_key(code)
        assert normalise(code) == key, code
        assert normalise(f" {code.lower()} ") == key, code
        assert normalise(code.replace(".", "")) == key, code
        assert canonical_code(code) == code, code
        assert canonical_code(code.lower().replace(".", "")) == code, code
    assert {lookup_key(c) for c in newest.codes} == newest.keys


# --- the note-reference parser, on real codes -----------------------------------------------------

SEPARATORS = [", ", "; ", " and ", " or ", ", and ", ",", " ,  "]


@dataclass(frozen=True, slots=True)
class Referable:
    codes: st.SearchStrategy[str]  # categories and below
    blocks: st.SearchStrategy[str]  # written as ranges


@pytest.fixture(scope="module")
def referable(newest: NewestRelease) -> Referable:
    return Referable(
        st.sampled_from([c for c in newest.codes
                         if newest.levels[c] in ("CATEGORY", "SUBCATEGORY", "CODE")]),
        st.sampled_from([c for c in newest.codes if newest.levels[c] == "BLOCK"]),
    )


@PROPERTY
@given(st.data())
def test_notes_written_with_real_codes_parse_back(referable: Referable,
                                                   data: st.DataObject) -> None:
    codes, blocks = referable.codes, referable.blocks
    items: list[tuple[str, str, str, bool]] = []  # (written, start, end, whole)
    for _ in range(data.draw(st.integers(1, 6))):
        shape = data.draw(st.sampled_from(["code", "whole", "block", "to"]))
        if shape == "block":
            block = data.draw(blocks)
            start, _, end = block.partition("-")
            items.append((block, start, end, False))
        elif shape == "to":
            start, end = sorted((data.draw(codes), data.draw(codes)))
            items.append((f"{start} to {end}", start, end, False))
        else:
            code = data.draw(codes)
            whole = shape == "whole"
            written = (code + (".-" if "." not in code else "-")) if whole else code
            items.append((written, code, code, whole))
    seps = [data.draw(st.sampled_from(SEPARATORS)) for _ in items[1:]]
    inner = items[0][0] + "".join(s + w for s, (w, *_) in zip(seps, items[1:], strict=True))
    prose = data.draw(st.sampled_from(["Excludes1: diabetes ", "code also ", "", "see "]))
    note = f"{prose}({inner})"
    found = parse_references(note)
    assert [(r.start, r.end, r.whole) for r in found] == [i[1:] for i in items], note
    for reference in found:
        assert reference.text in note and reference.qualifier is None


# --- arbitrary strings through the API ------------------------------------------------------------

CODE = "query($c: String!) { code(system: ICD10CM, code: $c) { code } }"
CODES = "query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }"
VALIDATE = ("query($c: [String!]!) { validateCodes(system: ICD10CM, codes: $c) "
            "{ valid findings { kind positions } } }")
SEARCH = "query($t: String!) { search(text: $t, first: 7) { totalCount edges { node { code } } } }"

junk = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    code_shaped.flatmap(scrambled),
    st.sampled_from(["\x00", "\ud800", "' OR 1=1 --", "E11.9\x00", "%", "_", "*", "E11.-"]),
)


class Api:
    def __init__(self, client: TestClient, headers: dict[str, str], backend: str) -> None:
        self.client, self.headers, self.backend = client, headers, backend
        self.outcomes: Counter[str] = Counter()

    def data(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        # json.dumps escapes lone surrogates (httpx's json= cannot encode them)
        response = self.client.post(
            "/graphql", content=json.dumps({"query": query, "variables": variables}),
            headers={**self.headers, "Content-Type": "application/json"})
        body = response.json()
        codes = sorted({e["extensions"]["code"] for e in body.get("errors") or ()})
        self.outcomes[f"{response.status_code} {'+'.join(codes) or 'ok'}"] += 1
        assert response.status_code == 200 and not codes, body
        return dict(body["data"])

    def record(self, kind: str) -> None:
        record(self.backend, kind, sum(self.outcomes.values()), counts_of(self.outcomes))


def test_arbitrary_strings_as_code(client: TestClient, partner: dict[str, str], engine: Engine,
                                   newest: NewestRelease) -> None:
    api = Api(client, partner, backend_of(engine))

    @api_settings(engine)
    @given(junk)
    def check(raw: str) -> None:
        got = api.data(CODE, {"c": raw})["code"]
        key = normalise(raw)
        assert (got is not None) == (key is not None and key in newest.keys), raw
        if got is not None:
            assert lookup_key(got["code"]) == key

    check()
    api.record("hypothesis: arbitrary strings as `code`")


def test_arbitrary_lists_as_codes(client: TestClient, partner: dict[str, str], engine: Engine,
                                  newest: NewestRelease) -> None:
    api = Api(client, partner, backend_of(engine))

    @api_settings(engine)
    @given(st.lists(st.one_of(junk, st.sampled_from(newest.codes)), max_size=25))
    def check(raws: list[str]) -> None:
        got = api.data(CODES, {"c": raws})["codes"]
        assert len(got) == len(raws)
        for raw, item in zip(raws, got, strict=True):
            key = normalise(raw)
            assert (item is not None) == (key is not None and key in newest.keys), raw
            assert item is None or lookup_key(item["code"]) == key

    check()
    api.record("hypothesis: arbitrary lists as `codes`")


def test_arbitrary_claims_to_validate(client: TestClient, partner: dict[str, str],
                                      engine: Engine, newest: NewestRelease) -> None:
    api = Api(client, partner, backend_of(engine))

    @api_settings(engine)
    @given(st.lists(st.one_of(junk, st.sampled_from(newest.codes)), max_size=12))
    def check(raws: list[str]) -> None:
        result = api.data(VALIDATE, {"c": raws})["validateCodes"]
        unknown = {p for f in result["findings"] if f["kind"] == "UNKNOWN_CODE"
                   for p in f["positions"]}
        # every distinct entry that cannot be a code is reported where it first appears
        # (repeats get a DUPLICATE finding)
        first: dict[str, int] = {}
        for i, raw in enumerate(raws):
            if normalise(raw) is None:
                first.setdefault(lookup_key("".join(raw.split())), i)
        assert set(first.values()) <= unknown, (raws, result)
        assert result["valid"] is not None

    check()
    api.record("hypothesis: arbitrary claims to `validateCodes`")


def test_arbitrary_search_text(client: TestClient, partner: dict[str, str], engine: Engine) -> None:
    api = Api(client, partner, backend_of(engine))

    @api_settings(engine)
    @given(st.one_of(st.text(max_size=60), junk, st.text(alphabet='"*^:()-+&|!<> ORANDNEAR',
                                                          max_size=30)))
    def check(text: str) -> None:
        found = api.data(SEARCH, {"t": text})["search"]
        assert 0 <= len(found["edges"]) <= 7 and found["totalCount"] >= len(found["edges"])

    check()
    api.record("hypothesis: arbitrary `search` text")
