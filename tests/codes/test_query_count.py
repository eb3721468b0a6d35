"""A bulk query costs a fixed number of SQL statements, whatever its size (no N+1)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from domain.models import Code
from domain.settings import Settings
from service.app import create_app
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


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """An app of its own, so that only the queries counted reach ``engine``: without the fast
    path (its once-a-second read of the releases would land in one count or the other), and on
    a clock that stands still (a key's last use is written on its first request only)."""
    now = time.time()
    app = create_app(settings.model_copy(update={"fast_path": False}), engine,
                     clock=lambda: now)
    with TestClient(app, client=("203.0.113.7", 5000)) as c:
        yield c


def test_200_codes_cost_no_more_statements_than_2(client: TestClient, engine: Engine,
                                                  partner: dict[str, str]) -> None:
    many = billable_codes(engine, 200)
    two = many[:: len(many) // 2][:2]
    small = statements(client, engine, two, partner)
    large = statements(client, engine, many, partner)
    print(f"SQL statements: 2 codes {small}, 200 codes {large}")
    assert large <= small
