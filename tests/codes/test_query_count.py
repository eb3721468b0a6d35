"""A bulk query costs a fixed number of SQL statements, whatever its size (no N+1)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from domain.models import Code
from tests.conftest import StatementCounter, gql

QUERY = """query($codes: [String!]!) {
  codes(system: ICD10CM, codes: $codes) {
    code display billable level
    descriptions { kind text }
    parent { code display } children { code } ancestors { code }
    related { kind targetCode sourceCode targets { code display } }
    guidelines { kind text sourceCode }
  }
}"""


def billable_codes(engine: Engine, n: int) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Code.code).where(Code.billable).order_by(Code.sort_order)
        ).scalars().all()
    step = len(rows) // n
    return [rows[i * step] for i in range(n)]


def statements(client: TestClient, engine: Engine, codes: list[str],
               headers: dict[str, str]) -> int:
    with StatementCounter(engine) as counter:
        body = gql(client, QUERY, {"codes": codes}, headers)
    assert "errors" not in body, body
    assert all(c is not None for c in body["data"]["codes"])
    return counter.count


def test_200_codes_cost_no_more_statements_than_2(client: TestClient, engine: Engine,
                                                  partner: dict[str, str]) -> None:
    many = billable_codes(engine, 200)
    two = many[:: len(many) // 2][:2]
    small = statements(client, engine, two, partner)
    large = statements(client, engine, many, partner)
    print(f"SQL statements: 2 codes {small}, 200 codes {large}")
    assert large <= small
