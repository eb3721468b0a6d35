"""Schema-driven testing: schemathesis generates queries and mutations from the introspected
GraphQL schema and sends them through the ASGI app with a partner key (1,200 on SQLite, 400
more on PostgreSQL). No answer may be a 5xx; every answer must be a well-formed GraphQL
response whose errors carry documented codes (none of them INTERNAL_ERROR or
SERVICE_UNAVAILABLE), and whose data conforms to the schema (schemathesis's
``response_schema_conformance``). Schemathesis's own ``not_a_server_error`` is not used: it
takes any resolver error without an Apollo code it knows (``QUERY_TOO_LARGE``, say) for a
server error; the HTTP status and our codes say that better.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import Engine

from bench.robustness import judge
from domain.settings import Settings
from service.app import create_app
from tests.robustness.conftest import backend_of, counts_of, record

SERVER_SIDE = {"INTERNAL_ERROR", "SERVICE_UNAVAILABLE"}
# Generated requests: the issue asks for at least 1,000 in CI; SQLite runs them all (about 40 s),
# PostgreSQL a further share (the same schema and resolvers, another database under them).
EXAMPLES = {"sqlite": 1_000, "postgresql": 200}


@pytest.fixture(scope="module")
def schema_app(engine: Engine, settings: Settings) -> Iterator[schemathesis.BaseSchema]:
    app = create_app(settings, engine)
    with TestClient(app):  # the app's lifespan, for the introspection request
        yield schemathesis.graphql.from_asgi("/graphql", app)


def test_generated_queries_never_break_the_service(
        schema_app: schemathesis.BaseSchema, partner: dict[str, str], engine: Engine) -> None:
    operations = [result.ok() for result in schema_app.get_all_operations()]
    assert {op.label for op in operations} >= {
        "Query.code", "Query.codes", "Query.search", "Query.validateCodes", "Query.changes",
        "Query.codeSystems", "Query.viewer", "Mutation.register"}
    per_operation: dict[str, Counter[str]] = {op.label: Counter() for op in operations}
    problems: list[str] = []
    backend = backend_of(engine)
    wanted = EXAMPLES[backend]

    @settings(max_examples=wanted, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def check(case: schemathesis.Case) -> None:
        response = case.call(headers=partner)
        outcome, wrong = judge(response)
        if SERVER_SIDE & set(outcome.split(" ")[1].split("+")):
            wrong.append(f"a server-side error: {response.text[:300]}")
        per_operation[case.operation.label][outcome] += 1
        problems.extend(f"{case.operation.label}: {w}\n{case.body}" for w in wrong)
        assert not wrong, wrong
        case.validate_response(response, checks=[response_schema_conformance])

    check()
    total = sum(sum(c.values()) for c in per_operation.values())
    for label, outcomes in sorted(per_operation.items()):
        record(backend, f"schemathesis: {label}", sum(outcomes.values()), counts_of(outcomes))
    print(f"schemathesis on {backend}: {total} generated requests")
    assert not problems, problems[:5]
    assert total >= wanted, f"only {total} of {wanted} examples ran"
    assert all(per_operation.values()), per_operation
