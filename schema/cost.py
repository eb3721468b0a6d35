"""What a request costs in code views, from its parsed (and validated) document.

Only root query fields that return codes cost anything: ``code`` one view, ``codes`` and
``validateCodes`` one per code in their list, ``validateClaim`` one per line and per
diagnosis. Variables (with their defaults), fragments, inline fragments, ``@skip``/``@include``
and aliases are resolved the way execution will resolve them, so the cost is known before
anything runs. Two selections under one response key are one field, charged once. Nested codes
(``parent``, ``children``, ``targets``, search results) are free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_argument_values,
    get_directive_values,
    get_operation_ast,
    get_variable_values,
)

# Root field -> how it is charged: "one" view, or one per item of its `codes` argument.
COSTED_FIELDS: dict[str, str] = {"code": "one", "codes": "list", "validateCodes": "list",
                                 "validateClaim": "claim", "feeSchedule": "one"}
LIST_ARGUMENT = "codes"


@dataclass(frozen=True, slots=True)
class CostItem:
    key: str  # the response key (alias or field name)
    field: str
    views: int


@dataclass(frozen=True, slots=True)
class Cost:
    items: tuple[CostItem, ...] = ()

    @property
    def requested(self) -> int:
        return sum(i.views for i in self.items)


FREE = Cost()


def request_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                 variables: Mapping[str, Any] | None, *, max_list: int) -> Cost:
    """The views a request can return. A field execution will refuse (bad variables, a list
    over ``max_list``) costs nothing, since it returns nothing."""
    operation = get_operation_ast(document, operation_name)
    root = schema.query_type
    if operation is None or operation.operation != OperationType.QUERY or root is None:
        return FREE
    coerced = get_variable_values(schema, operation.variable_definitions or (),
                                  dict(variables or {}))
    if isinstance(coerced, list):  # variable errors: execution will not start
        return FREE
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    items: dict[str, CostItem] = {}
    _visit(operation.selection_set, root, fragments, coerced, items, set(), max_list)
    return Cost(tuple(items.values())) if items else FREE


def _included(node: Any, variables: Any) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)


def _visit(selection_set: SelectionSetNode, root: GraphQLObjectType,
           fragments: dict[str, FragmentDefinitionNode], variables: Any,
           items: dict[str, CostItem], visited: set[str], max_list: int) -> None:
    for node in selection_set.selections:
        if node.directives and not _included(node, variables):
            continue
        if isinstance(node, FieldNode):
            key = node.alias.value if node.alias else node.name.value
            kind = COSTED_FIELDS.get(node.name.value)
            if kind is None or key in items:
                continue
            items[key] = CostItem(key, node.name.value,
                                  _field_views(root, node, kind, variables, max_list))
        elif isinstance(node, InlineFragmentNode):
            cond = node.type_condition
            if cond is None or cond.name.value == root.name:
                _visit(node.selection_set, root, fragments, variables, items, visited, max_list)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = fragments.get(name)
            if name in visited or fragment is None:
                continue
            visited.add(name)
            if fragment.type_condition.name.value == root.name:
                _visit(fragment.selection_set, root, fragments, variables, items, visited,
                       max_list)


def _field_views(root: GraphQLObjectType, node: FieldNode, kind: str, variables: Any,
                 max_list: int) -> int:
    field = root.fields.get(node.name.value)
    if field is None:
        return 0
    try:
        args = get_argument_values(field, node, variables)
    except GraphQLError:
        return 0
    if kind == "one":
        return 1
    if kind == "claim":  # validateClaim: one view per line and per diagnosis
        n = len(args.get("lines") or ()) + len(args.get("diagnoses") or ())
        return n if n <= max_list else 0
    n = len(args.get(LIST_ARGUMENT) or ())
    return n if n <= max_list else 0


def delivered_views(cost: Cost, data: Mapping[str, Any] | None) -> int:
    """The views a result actually holds: a ``null`` code (unknown, or failed) is not one."""
    if not data:
        return 0
    total = 0
    for item in cost.items:
        value = data.get(item.key)
        if value is None:
            continue
        if item.field == "codes" and isinstance(value, list):
            total += min(item.views, sum(v is not None for v in value))
        else:
            total += item.views
    return total
