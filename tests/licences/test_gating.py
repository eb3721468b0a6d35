"""CPT's descriptors reach only keys holding the ``cpt`` licence: the gating table of the seed
page (guest / free / pro / partner / licensed), and no licensed byte through the result cache,
the fast path, search or a withdrawn licence. The descriptors are the synthetic fixture's
(``tests/cpt/data``), every one carrying the marker word ``zorb``: an answer that holds the
marker holds licensed text."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.metering.keys import change_licences, create_key
from domain.metering.licences import AMA_COPYRIGHT
from domain.settings import Settings
from service.app import create_app
from tests.conftest import gql
from tests.cpt._data import MARKER
from tests.licences.conftest import Callers

PAGE = """
query Page($code: String!) {
  code(system: CPT, code: $code) {
    code display billable level
    descriptions { kind text }
    parent { code display }
    ancestors { code level }
    related { kind targetCode targets { code display } }
    fee { release status { code meaning } globalDays workRvu nonFacilityTotal facilityTotal
          conversionFactor nonFacilityPayment facilityPayment }
  }
}
"""
FEE_96425 = {"release": "2025-10", "status": {"code": "A", "meaning": "Active code: paid "
             "separately under the physician fee schedule, if covered."},
             "globalDays": "XXX", "workRvu": 0.17, "nonFacilityTotal": 4.8,
             "facilityTotal": 4.8, "conversionFactor": 32.3465, "nonFacilityPayment": 155.26,
             "facilityPayment": None}
_addresses = itertools.count(1)


def new_guest(cpt_engine: Engine, cpt_settings: Settings) -> TestClient:
    """A client whose address no other test has used (guests get one view a day)."""
    return TestClient(create_app(cpt_settings, cpt_engine),
                      client=(f"198.51.100.{next(_addresses)}", 4000))


def licensed_text(body: dict[str, Any]) -> bool:
    return MARKER in json.dumps(body.get("data")).lower()


def gate_codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors") or ()}


def test_a_licensed_key_sees_the_whole_page(cpt_client: TestClient, callers: Callers) -> None:
    body = gql(cpt_client, PAGE, {"code": "96425"}, headers=callers.licensed)
    code = body["data"]["code"]
    assert "errors" not in body
    assert code["code"] == "96425" and code["billable"] and code["level"] == "CODE"
    assert MARKER in code["display"].lower()
    kinds = {d["kind"] for d in code["descriptions"]}
    assert {"OFFICIAL", "MEDIUM", "SHORT", "LAY", "CLINICIAN"} <= kinds
    family = {r["targetCode"] for r in code["related"] if r["kind"] == "FAMILY"}
    assert {"96420", "96422", "96423"} <= family
    assert code["fee"] == FEE_96425
    assert body["extensions"]["copyright"] == {"cpt": AMA_COPYRIGHT}


def test_an_add_on_names_its_primary_and_the_primary_its_add_on(
        cpt_client: TestClient, callers: Callers) -> None:
    query = """query R($code: String!) { code(system: CPT, code: $code) {
        related(kinds: [PRIMARY_CODE, ADD_ON_CODE]) { kind targetCode note targets { code } } } }"""
    add_on = gql(cpt_client, query, {"code": "96423"}, headers=callers.pro)["data"]["code"]
    assert [(r["kind"], r["targetCode"], [t["code"] for t in r["targets"]])
            for r in add_on["related"]] == [("PRIMARY_CODE", "96422", ["96422"])]
    assert "ZZZ" in add_on["related"][0]["note"]
    primary = gql(cpt_client, query, {"code": "96422"}, headers=callers.pro)["data"]["code"]
    assert [(r["kind"], r["targetCode"]) for r in primary["related"]] == [
        ("ADD_ON_CODE", "96423")]
    alone = gql(cpt_client, query, {"code": "96425"}, headers=callers.pro)["data"]["code"]
    assert alone["related"] == []


def test_keys_without_the_licence_get_the_page_but_no_ama_text(
        cpt_client: TestClient, callers: Callers) -> None:
    for headers in (callers.free, callers.pro, callers.partner):
        body = gql(cpt_client, PAGE, {"code": "96425"}, headers=headers)
        code = body["data"]["code"]
        assert code["code"] == "96425" and code["billable"]
        assert code["display"] is None and code["descriptions"] is None
        assert not licensed_text(body), body
        assert gate_codes(body) == {"LICENSE_REQUIRED"}
        # The family is there (its notes are medcode's words), its members' texts are not.
        assert {"96420", "96422", "96423"} <= {r["targetCode"] for r in code["related"]}
        assert all(t["display"] is None for r in code["related"] for t in r["targets"])
        # The sections are named in medcode's own words: open to all; the fee facts are CMS's.
        assert code["parent"]["display"]
        assert code["fee"] == FEE_96425
        assert "copyright" not in body["extensions"]


def test_a_guest_sees_the_page_without_the_gated_parts(cpt_engine: Engine,
                                                       cpt_settings: Settings) -> None:
    with new_guest(cpt_engine, cpt_settings) as guest:
        body = gql(guest, PAGE, {"code": "96425"})
        assert body["data"]["code"]["code"] == "96425"
        assert body["data"]["code"]["display"] is None
        assert body["data"]["code"]["related"] is None
        assert body["data"]["code"]["fee"] == FEE_96425
        assert gate_codes(body) == {"LICENSE_REQUIRED", "REGISTRATION_REQUIRED"}
        assert not licensed_text(body)
        assert gql(guest, PAGE, {"code": "96422"})["_status"] == 429  # one view a day


def test_a_repeat_of_a_licensed_request_never_reaches_an_unlicensed_caller(
        cpt_client: TestClient, callers: Callers) -> None:
    """Byte for byte the same request, alternating callers, enough times for the result cache
    and the fast path to keep each answer."""
    body = {"query": PAGE, "variables": {"code": "96423"}}
    for _ in range(4):
        for headers, licensed in ((callers.licensed, True), (callers.pro, False),
                                  (callers.partner, False), (callers.free, False)):
            answer = cpt_client.post("/graphql", json=body, headers=headers).json()
            assert licensed_text(answer) is licensed, (headers, answer)
            assert ("copyright" in answer["extensions"]) is licensed
    # GET, the fast path's other form.
    for _ in range(3):
        for headers, licensed in ((callers.licensed, True), (callers.pro, False)):
            answer = cpt_client.get("/graphql", params={"query": PAGE,
                                                        "variables": '{"code": "96423"}'},
                                    headers={**headers, "Accept": "application/json"}).json()
            assert licensed_text(answer) is licensed


def test_search_never_matches_or_shows_cpt_text_without_the_licence(
        cpt_client: TestClient, callers: Callers) -> None:
    query = """query S($text: String!) { search(text: $text, systems: [CPT]) {
        totalCount edges { node { code display } } } }"""
    words = gql(cpt_client, query, {"text": "zorbital artery"}, headers=callers.licensed)
    assert "96425" in {e["node"]["code"] for e in words["data"]["search"]["edges"]}
    for headers in (callers.pro, callers.partner, callers.free):
        hidden = gql(cpt_client, query, {"text": "zorbital artery"}, headers=headers)
        assert hidden["data"]["search"] == {"totalCount": 0, "edges": []}
        # By code, the codes come back, without their text.
        by_code = gql(cpt_client, query, {"text": "9642"}, headers=headers)
        codes = {e["node"]["code"] for e in by_code["data"]["search"]["edges"]}
        assert {"96420", "96422", "96423", "96425"} <= codes
        assert not licensed_text(by_code)
    # Over every system, the words find other systems' codes ("orbital"), never CPT's.
    every = gql(cpt_client, '{ search(text: "zorbital artery", first: 100) { edges { node { '
                'system } } } }', headers=callers.pro)
    assert "CPT" not in {e["node"]["system"] for e in every["data"]["search"]["edges"]}


def test_a_withdrawn_licence_takes_effect_within_the_recheck_interval(
        cpt_client: TestClient, cpt_engine: Engine, cpt_settings: Settings) -> None:
    secret, row = create_key(cpt_engine, plan="pro", name="withdrawn", licences=["cpt"])
    assert row.id is not None
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"query": PAGE, "variables": {"code": "96420"}}
    for _ in range(3):  # kept by the result cache and prepared by the fast path
        assert licensed_text(cpt_client.post("/graphql", json=body, headers=headers).json())
    viewer = gql(cpt_client, "{ viewer { licences } }", headers=headers)
    assert viewer["data"]["viewer"]["licences"] == ["cpt"]
    assert change_licences(cpt_engine, row.id, remove=["cpt"]) == frozenset()
    time.sleep(cpt_settings.fast_path_recheck_seconds + 0.2)
    for _ in range(3):
        answer = cpt_client.post("/graphql", json=body, headers=headers).json()
        assert not licensed_text(answer) and gate_codes(answer) == {"LICENSE_REQUIRED"}
    assert gql(cpt_client, "{ viewer { licences } }", headers=headers)["data"]["viewer"] == {
        "licences": []}


def test_code_systems_name_the_licence_and_its_notice(cpt_client: TestClient,
                                                      callers: Callers) -> None:
    body = gql(cpt_client, "{ codeSystems { id licence copyright } }", headers=callers.pro)
    systems = {s["id"]: s for s in body["data"]["codeSystems"]}
    assert systems["CPT"] == {"id": "CPT", "licence": "cpt", "copyright": AMA_COPYRIGHT}
    assert systems["ICD10CM"]["licence"] is None and systems["ICD10CM"]["copyright"] is None


def test_other_systems_need_no_licence(cpt_client: TestClient, callers: Callers) -> None:
    body = gql(cpt_client, '{ code(system: ICD10CM, code: "E11.9") { display descriptions '
               '{ text } } }', headers=callers.free)
    assert body["data"]["code"]["display"] == "Type 2 diabetes mellitus without complications"
    assert "errors" not in body and "copyright" not in body["extensions"]
