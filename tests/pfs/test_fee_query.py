"""``feeSchedule``: the fee facts of a code by its number, with no CPT release loaded (96425 is
CPT's; its fee facts are CMS's and public), charged as a code view; and answers kept by the
result cache and the fast path follow a PFS load."""

from __future__ import annotations

from fastapi.testclient import TestClient

from domain.db import make_engine
from domain.metering.keys import create_key
from service.app import create_app
from systems.pfs.load import write_pfs
from systems.pfs.parse import read_pfs
from tests.conftest import gql
from tests.databases import Databases
from tests.pfs.conftest import EXCERPT, HCPCS_JANUARY

FEE = """query F($code: String!, $modifier: String) {
  feeSchedule(code: $code, modifier: $modifier) {
    release modifier status { code } globalDays workRvu nonFacilityTotal conversionFactor
    nonFacilityPayment facilityPayment } }"""


def test_96425_without_a_cpt_release(pfs_client: TestClient, pfs_key: dict[str, str]) -> None:
    body = gql(pfs_client, FEE, {"code": "96425"}, pfs_key)
    assert body["data"]["feeSchedule"] == {
        "release": "2025-10", "modifier": None, "status": {"code": "A"}, "globalDays": "XXX",
        "workRvu": 0.17, "nonFacilityTotal": 4.8, "conversionFactor": 32.3465,
        "nonFacilityPayment": 155.26, "facilityPayment": None}
    assert body["extensions"]["cost"]["actual"] == 1
    assert "copyright" not in body["extensions"]  # CMS's facts: no AMA text


def test_a_code_the_file_lacks_is_null_and_given_back(pfs_client: TestClient,
                                                      pfs_key: dict[str, str]) -> None:
    body = gql(pfs_client, FEE, {"code": "99999"}, pfs_key)
    assert body["data"]["feeSchedule"] is None
    assert body["extensions"]["cost"] == {**body["extensions"]["cost"], "requested": 1,
                                          "actual": 0}


def test_kept_answers_follow_a_pfs_load(databases: Databases) -> None:
    settings = databases.settings("sqlite", HCPCS_JANUARY, "pfs_late")
    engine = make_engine(settings)
    query = '{ code(system: HCPCS, code: "G0130") { fee { workRvu } } }'
    try:
        with TestClient(create_app(settings, engine), client=("203.0.113.18", 5000)) as client:
            secret, _ = create_key(engine, plan="partner", name="late")
            headers = {"Authorization": f"Bearer {secret}"}
            for _ in range(3):  # kept by the result cache and prepared by the fast path
                assert gql(client, query, headers=headers)["data"]["code"]["fee"] is None
            assert write_pfs(engine, read_pfs(EXCERPT)).loaded
            assert gql(client, query, headers=headers)["data"]["code"]["fee"] is not None
    finally:
        engine.dispose()


def test_input_that_is_no_code_is_null_not_an_error(pfs_client: TestClient,
                                                    pfs_key: dict[str, str]) -> None:
    for code in ("\x00G0130", "G0130" * 40, "", "  ", "'; DROP TABLE pfs_rate; --"):
        body = gql(pfs_client, FEE, {"code": code}, pfs_key)
        assert body["data"]["feeSchedule"] is None and "errors" not in body, code
