"""The cost of a document, known before it runs: aliases, fragments, variables, directives."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse, validate

from schema import build_schema
from schema.cost import Cost, delivered_views, request_cost

SCHEMA = build_schema()._schema


def cost_of(query: str, variables: dict[str, Any] | None = None,
            operation: str | None = None, max_list: int = 500) -> Cost:
    document = parse(query)
    assert validate(SCHEMA, document) == []
    return request_cost(SCHEMA, document, operation, variables, max_list=max_list)


@pytest.mark.parametrize(("query", "variables", "views"), [
    ('{ code(system: ICD10CM, code: "E11.9") { code } }', None, 1),
    ('{ codes(system: ICD10CM, codes: ["E11.9", "I10", "J45.909"]) { code } }', None, 3),
    ('{ a: code(system: ICD10CM, code: "E11.9") { code } '
     'b: code(system: ICD10CM, code: "I10") { code } }', None, 2),
    # One response key is one field, however often it is selected.
    ('{ code(system: ICD10CM, code: "E11.9") { code } '
     'code(system: ICD10CM, code: "E11.9") { display } }', None, 1),
    ('query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }',
     {"c": ["A00", "A01", "A02", "A03"]}, 4),
    # A single value for a list variable is coerced to a list of one, as execution does.
    ('query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }', {"c": "A00"}, 1),
    ('query($c: [String!]! = ["A00", "A01"]) { codes(system: ICD10CM, codes: $c) { code } }',
     None, 2),
    ('query($x: String!) { codes(system: ICD10CM, codes: ["A00", $x]) { code } }', {"x": "B"}, 2),
    ('{ ...F } fragment F on Query { code(system: ICD10CM, code: "E11.9") { code } '
     'more: codes(system: ICD10CM, codes: ["A", "B"]) { code } }', None, 3),
    ('{ ... on Query { code(system: ICD10CM, code: "E11.9") { code } } ...F ...F } '
     'fragment F on Query { x: code(system: ICD10CM, code: "I10") { code } }', None, 2),
    ('query($skip: Boolean!) { code(system: ICD10CM, code: "E11.9") @skip(if: $skip) { code } '
     'b: code(system: ICD10CM, code: "I10") @include(if: $skip) { code } }',
     {"skip": True}, 1),
    ('{ ...F @skip(if: true) } fragment F on Query { code(system: ICD10CM, code: "E") { code } }',
     None, 0),
    # Free: search, codeSystems, viewer, and codes reached through other codes.
    ('{ search(text: "asthma") { edges { node { code parent { code } } } } '
     'codeSystems { id } viewer { plan } }', None, 0),
    ('{ code(system: ICD10CM, code: "E11") { children { code } ancestors { code } '
     'parent { code } } }', None, 1),
    ('mutation { register(email: "a@example.com") { key } }', None, 0),
    ('{ validateCodes(system: ICD10CM, codes: ["E11.9", "I10", "XX"]) { valid } }', None, 3),
])
def test_cost(query: str, variables: dict[str, Any] | None, views: int) -> None:
    assert cost_of(query, variables).requested == views


def test_the_named_operation_is_priced() -> None:
    query = ('query One { code(system: ICD10CM, code: "A") { code } } '
             'query Three { codes(system: ICD10CM, codes: ["A", "B", "C"]) { code } }')
    assert cost_of(query, operation="One").requested == 1
    assert cost_of(query, operation="Three").requested == 3


def test_fields_that_will_be_refused_cost_nothing() -> None:
    q = 'query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }'
    assert cost_of(q, {"c": None}).requested == 0  # bad variables: nothing runs
    assert cost_of(q, {"c": ["A"] * 6}, max_list=5).requested == 0  # QUERY_TOO_LARGE
    assert cost_of(q, {"c": ["A"] * 5}, max_list=5).requested == 5


def test_delivered_views_leave_out_nulls() -> None:
    cost = cost_of('{ a: code(system: ICD10CM, code: "E11.9") { code } '
                   'b: code(system: ICD10CM, code: "NOPE") { code } '
                   'c: codes(system: ICD10CM, codes: ["I10", "NOPE", "J45"]) { code } }')
    assert cost.requested == 5
    data = {"a": {"code": "E11.9"}, "b": None, "c": [{"code": "I10"}, None, {"code": "J45"}]}
    assert delivered_views(cost, data) == 3
    assert delivered_views(cost, None) == 0
    assert delivered_views(cost, {"a": None, "b": None, "c": None}) == 0
