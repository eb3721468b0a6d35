"""The NCCI edits of CPT codes, once a CPT release is loaded: the code page of the chemotherapy
administration codes (96413-96425, add-on 96423 on primary 96422) and claim lines coded in CPT.
The CPT release is a test file in the plain ``code,kind,text`` layout with made-up descriptors
(``tests/ncci/cpt_data``), beside the NCCI fixture tables; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.settings import Settings
from seed.load import load_release
from service.app import create_app
from systems.cpt.spec import CPT
from systems.ncci.load import load_file
from tests.conftest import gql
from tests.databases import Databases
from tests.ncci.claim_cases import line
from tests.ncci.conftest import FIXTURES, fresh_engine

CPT_FILE = Path(__file__).parent / "cpt_data" / "cpt2026.csv"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cpt(request: pytest.FixtureRequest, databases: Databases
        ) -> Iterator[tuple[TestClient, dict[str, str]]]:
    engine: Engine = fresh_engine(str(request.param), "ncci_cpt", databases)
    load_release(engine, CPT, path=CPT_FILE)
    for path in FIXTURES:
        load_file(engine, path)
    secret, _ = create_key(engine, plan="partner", name="ncci cpt tests")
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False)
                        .replace("+psycopg", ""))
    with TestClient(create_app(settings, engine), client=("203.0.113.18", 5000)) as client:
        yield client, {"Authorization": f"Bearer {secret}"}
    engine.dispose()


PAGE = """query($code: String!) { code(system: CPT, code: $code) { code
  ncci { release pairs(activeOn: "2026-08-01") { column1 column2 modifierIndicator }
         mue { value adjudicationIndicator } addOn { type primaryCodes } } } }"""
CLAIM = """query($lines: [ClaimLineInput!]!) {
  validateClaim(dateOfService: "2026-08-01", lines: $lines) {
    valid findings { severity kind lines codes message } } }"""


def test_add_on_96423_and_its_primary(cpt: tuple[TestClient, dict[str, str]]) -> None:
    client, key = cpt
    ncci = gql(client, PAGE, {"code": "96423"}, key)["data"]["code"]["ncci"]
    assert ncci["addOn"] == {"type": 1, "primaryCodes": ["96422"]}
    assert ncci["mue"] == {"value": 2, "adjudicationIndicator": 3}
    assert ("96425", "96423", 0) in [(p["column1"], p["column2"], p["modifierIndicator"])
                                     for p in ncci["pairs"]]


def test_pairs_of_96425(cpt: tuple[TestClient, dict[str, str]]) -> None:
    client, key = cpt
    pairs = gql(client, PAGE, {"code": "96425"}, key)["data"]["code"]["ncci"]["pairs"]
    mine = {(p["column2"], p["modifierIndicator"]) for p in pairs if p["column1"] == "96425"}
    assert {("96420", 1), ("96422", 0), ("96423", 0)} <= mine


def test_clean_cpt_claim(cpt: tuple[TestClient, dict[str, str]]) -> None:
    client, key = cpt
    lines = [line("96413", system="CPT"), line("96415", system="CPT", units=2)]
    body = gql(client, CLAIM, {"lines": lines}, key)["data"]["validateClaim"]
    assert body == {"valid": True, "findings": []}


def test_cpt_add_on_without_primary_and_bypass(cpt: tuple[TestClient, dict[str, str]]) -> None:
    client, key = cpt
    lines = [line("96423", system="CPT"), line("96413", system="CPT"),
             line("96420", "59", system="CPT")]
    findings = gql(client, CLAIM, {"lines": lines}, key)["data"]["validateClaim"]["findings"]
    assert [(f["kind"], f["lines"]) for f in findings] == [("ADD_ON_WITHOUT_PRIMARY", [0])]
    assert "96422" in findings[0]["message"]


def test_unknown_cpt_code_and_modifier(cpt: tuple[TestClient, dict[str, str]]) -> None:
    client, key = cpt
    lines = [line("96999", system="CPT"), line("96413", "ZZ", system="CPT")]
    findings = gql(client, CLAIM, {"lines": lines}, key)["data"]["validateClaim"]["findings"]
    assert [(f["kind"], f["lines"]) for f in findings] == [("UNKNOWN_CODE", [0]),
                                                          ("UNKNOWN_MODIFIER", [1])]
