"""CPT's descriptors on the facade: shown only to keys holding the ``cpt`` licence, as on
``/graphql``. The synthetic release's every descriptor carries the word ``zorb``: no answer to a
caller without the licence may contain it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.fhir._data import CPT
from tests.fhir._fhir import get, issue_codes, one, values

MARKER = "zorb"


@pytest.fixture(scope="module")
def licensed(key_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    return key_for("partner", ("cpt",))


def test_lookup_shows_the_text_to_licensed_keys_only(fhir_client: TestClient,
                                                     licensed: dict[str, str],
                                                     partner: dict[str, str]) -> None:
    _, shown = get(fhir_client, "CodeSystem/$lookup", licensed, system=CPT, code="96425")
    assert MARKER in one(shown, "display").lower()
    assert len(values(shown, "designation")) >= 4  # long, medium, short, lay, clinician

    r = fhir_client.get("/fhir/CodeSystem/$lookup", params={"system": CPT, "code": "96425"},
                        headers=partner)
    assert r.status_code == 200 and MARKER not in r.text.lower()
    _, hidden = get(fhir_client, "CodeSystem/$lookup", partner, system=CPT, code="96425")
    assert values(hidden, "display") == [] and values(hidden, "designation") == []
    assert issue_codes(one(hidden, "issues")) == ["LICENSE_REQUIRED"]
    assert "cpt" in one(hidden, "issues").issue[0].diagnostics
    # the code and its public facts still come back, as on GraphQL
    assert one(hidden, "version") == "2026"


def test_graphql_says_the_same(fhir_client: TestClient, partner: dict[str, str]) -> None:
    r = fhir_client.post("/graphql", headers=partner, json={
        "query": '{ code(system: CPT, code: "96425") { code display } }'})
    body = r.json()
    assert body["data"]["code"] == {"code": "96425", "display": None} or \
        body["data"]["code"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"LICENSE_REQUIRED"}
    _, hidden = get(fhir_client, "CodeSystem/$lookup", partner, system=CPT, code="96425")
    assert one(hidden, "issues").issue[0].diagnostics == body["errors"][0]["message"]


def test_validate_code_never_shows_or_checks_the_text(fhir_client: TestClient,
                                                      partner: dict[str, str],
                                                      licensed: dict[str, str]) -> None:
    params = {"url": CPT, "code": "99213", "display": "Zorbital office visit"}
    r = fhir_client.get("/fhir/CodeSystem/$validate-code", params=params, headers=partner)
    assert r.status_code == 200 and MARKER not in r.text.lower()
    _, hidden = get(fhir_client, "CodeSystem/$validate-code", partner, **params)
    assert one(hidden, "result") is True and values(hidden, "display") == []
    assert "LICENSE_REQUIRED" in issue_codes(one(hidden, "issues"))
    _, checked = get(fhir_client, "CodeSystem/$validate-code", licensed, **params)
    assert one(checked, "result") is False  # not the full descriptor
    assert MARKER in one(checked, "display").lower()


def test_expand_never_matches_licensed_text(fhir_client: TestClient, partner: dict[str, str],
                                            licensed: dict[str, str]) -> None:
    url = f"{CPT}?fhir_vs"
    r = fhir_client.get("/fhir/ValueSet/$expand", params={"url": url, "filter": "zorbital"},
                        headers=partner)
    assert r.status_code == 403 and MARKER not in r.text.lower()
    assert issue_codes(get(fhir_client, "ValueSet/$expand", partner, url=url,
                           filter="zorbital")[1]) == ["LICENSE_REQUIRED"]
    guest = fhir_client.get("/fhir/ValueSet/$expand", params={"url": url, "filter": "arterial"})
    assert guest.status_code == 403
    # by number: the codes, without their text
    r = fhir_client.get("/fhir/ValueSet/$expand", params={"url": url, "filter": "9642"},
                        headers=partner)
    assert r.status_code == 200 and MARKER not in r.text.lower()
    _, numbers = get(fhir_client, "ValueSet/$expand", partner, url=url, filter="9642")
    assert [c.code for c in numbers.expansion.contains] == ["96420", "96422", "96423", "96425"]
    assert all(c.display is None for c in numbers.expansion.contains)
    r = fhir_client.get("/fhir/ValueSet/$expand", params={"url": url}, headers=partner)
    assert r.status_code == 200 and MARKER not in r.text.lower()
    _, words = get(fhir_client, "ValueSet/$expand", licensed, url=url, filter="arterial drip")
    assert "96425" in [c.code for c in words.expansion.contains]
