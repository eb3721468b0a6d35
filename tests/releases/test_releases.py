"""Two fiscal years side by side: as-of lookups and the changes CMS publishes."""

from __future__ import annotations

import csv
import io
import subprocess
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from domain.models import Code, CodeContent
from domain.settings import Settings
from tests.cli import medcode
from tests.conftest import gql


def ask(client: TestClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    body = gql(client, query, variables, headers)
    assert "errors" not in body, body
    return body["data"]


def test_changes_match_the_fy2026_addenda(fy2025: Engine, client: TestClient,
                                          partner: dict[str, str]) -> None:
    data = ask(client, partner, """{ changes(system: ICD10CM, from: "2025", to: "2026") {
        from to addedCount deletedCount revisedCount
        added { code } deleted { code } revised { code before after } } }""")["changes"]
    assert (data["addedCount"], data["deletedCount"], data["revisedCount"]) == (487, 28, 38)
    assert len(data["added"]) == 487 and len(data["deleted"]) == 28
    deleted = {c["code"] for c in data["deleted"]}
    assert {"E72.53", "D71", "G35"} <= deleted  # expanded into children on October 1
    revised = {r["code"]: r for r in data["revised"]}
    assert revised["P09.6"]["before"] == (
        "Abnormal findings on neonatal screening for neonatal hearing loss")
    assert revised["P09.6"]["after"] == "Abnormal findings on neonatal hearing screening"


def test_release_counts(fy2025: Engine, client: TestClient) -> None:
    [system] = ask(client, {}, "{ codeSystems { version billableCount releases "
                               "{ version effectiveFrom effectiveTo billableCount } } }")[
        "codeSystems"]
    assert system["version"] == "2026" and system["billableCount"] == 74_719
    assert system["releases"] == [
        {"version": "2026", "effectiveFrom": "2025-10-01", "effectiveTo": "2026-09-30",
         "billableCount": 74_719},
        {"version": "2025", "effectiveFrom": "2024-10-01", "effectiveTo": "2025-09-30",
         "billableCount": 74_260},
    ]


AS_OF = """query($code: String!, $d: Date) {
  code(system: ICD10CM, code: $code, asOf: $d) { code billable release display }
}"""


def test_a_deleted_code_answers_by_date(fy2025: Engine, client: TestClient,
                                        partner: dict[str, str]) -> None:
    june = ask(client, partner, AS_OF, code="S30.1XXA", d="2025-06-15")["code"]
    assert june == {"code": "S30.1XXA", "billable": True, "release": "2025",
                    "display": "Contusion of abdominal wall, initial encounter"}
    assert ask(client, partner, AS_OF, code="S30.1XXA", d="2025-12-15")["code"] is None
    # E72.53 did not vanish: it became a header over new codes, so it is no longer billable.
    dec = ask(client, partner, AS_OF, code="E72.53", d="2025-12-15")["code"]
    assert dec["billable"] is False and dec["release"] == "2026"


def test_a_new_code_answers_by_date(fy2025: Engine, client: TestClient,
                                    partner: dict[str, str]) -> None:
    assert ask(client, partner, AS_OF, code="E72.530", d="2025-06-15")["code"] is None
    dec = ask(client, partner, AS_OF, code="E72.530", d="2025-12-15")["code"]
    assert dec == {"code": "E72.530", "billable": True, "release": "2026",
                   "display": "Primary hyperoxaluria, type 1"}
    assert ask(client, partner, AS_OF, code="E72.530")["code"]["release"] == "2026"


def test_before_the_first_release_nothing_answers(fy2025: Engine, client: TestClient,
                                                  partner: dict[str, str]) -> None:
    assert ask(client, partner, AS_OF, code="E11.9", d="2020-01-01")["code"] is None


def test_unchanged_codes_share_their_content(fy2025: Engine) -> None:
    with fy2025.connect() as conn:
        codes = conn.execute(select(func.count()).select_from(Code)).scalar_one()
        contents = conn.execute(select(func.count()).select_from(CodeContent)).scalar_one()
    assert codes == 98_505 + 97_902
    # Only what changed costs a new copy of its notes.
    assert contents < 98_505 + 2_000


def test_unknown_release_in_changes(fy2025: Engine, client: TestClient) -> None:
    body = gql(client, '{ changes(system: ICD10CM, from: "1999", to: "2026") { addedCount } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "2025, 2026" in body["errors"][0]["message"]


def test_changes_command_prints_a_table_and_csv(fy2025: Engine, settings: Settings) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return medcode("changes", *args, database_url=settings.database_url)

    table = run("2025", "2026")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0] == "ICD10CM 2025 -> 2026: 487 added, 28 deleted, 38 revised"
    rows = list(csv.reader(io.StringIO(run("2025", "2026", "--csv").stdout)))
    assert rows[0] == ["change", "code", "before", "after"]
    assert len(rows) == 1 + 487 + 28 + 38
    assert ["revised", "P09.6", "Abnormal findings on neonatal screening for neonatal hearing "
            "loss", "Abnormal findings on neonatal hearing screening"] in rows
    missing = run("2019", "2026")
    assert missing.returncode == 1 and missing.stderr.startswith("medcode: no ICD10CM release")
