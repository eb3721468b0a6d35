"""A bounded in-memory cache of query results, per loaded release.

Reference data changes only when a release is loaded, so the result of a query is a function of
its document, variables, the loaded releases and what the caller may see (``Policy.audience``
in ``service.policy``: guests get the gated fields as ``null``). The extension sits after the
metering extension: every request is still priced and charged before this runs, and views of
codes that came back ``null`` are still refunded from the cached data. Results with errors
other than the guest gate, mutations, and anything that reads the caller (``viewer``) are never
cached. The media type an answer is sent in (``service.encoding``: ``application/json`` or
``application/graphql-response+json``) is not part of the key: the result is the same, only the
HTTP answer around it differs (the fast path's prepared bytes, which hold that answer, are keyed
by it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import OperationDefinitionNode, OperationType
from sqlalchemy.exc import SQLAlchemyError
from strawberry.extensions import SchemaExtension

from domain.lru import BoundedLRU
from schema.errors import LICENSE_REQUIRED, REGISTRATION_REQUIRED
from service import metrics
from service.policy import Audience

UNCACHEABLE_FIELDS = frozenset({"viewer", "__schema", "__type"})
MAX_ENTRIES = 4096
MAX_RESULT_BYTES = 512_000
MAX_TOTAL_BYTES = 64_000_000


Entry = tuple[Any, list[Any] | None, frozenset[str]]  # data, errors, copyright notices


class ResultCache(BoundedLRU[str, "Entry"]):
    """Results as (data, errors) by key, bounded in entries and in bytes (as JSON)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_TOTAL_BYTES) -> None:
        super().__init__(max_entries, max_bytes)


def result_key(releases: str, seen_by: Audience, query: str | None, operation_name: str | None,
               variables: dict[str, Any] | None) -> str:
    """What a result depends on: the document, the variables, the releases, the audience."""
    payload = json.dumps([query, operation_name, variables, seen_by, releases],
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _cacheable_document(document: Any, operation_name: str | None) -> bool:
    for definition in getattr(document, "definitions", ()):
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name and (definition.name is None
                               or definition.name.value != operation_name):
            continue
        if definition.operation != OperationType.QUERY:
            return False
        for selection in definition.selection_set.selections:
            name = getattr(getattr(selection, "name", None), "value", None)
            if name is None or name in UNCACHEABLE_FIELDS:
                return False  # fragments at the root, or a field about the caller
    return True


GATES = frozenset({REGISTRATION_REQUIRED, LICENSE_REQUIRED})  # what the audience decides


def _only_gate_errors(errors: list[Any] | None) -> bool:
    return all((e.extensions or {}).get("code") in GATES for e in errors or ())


def make_cache_extension(cache: ResultCache) -> type[SchemaExtension]:
    class ResultCacheExtension(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            ec = self.execution_context
            if ec.result is not None or not _cacheable_document(ec.graphql_document,
                                                                ec.operation_name):
                yield
                return
            try:
                releases = ec.context.data_signature()
            except SQLAlchemyError:
                # The database is away (the key needs the loaded releases). Run uncached: the
                # resolvers meet the same error and report it (503, and the metering extension
                # refunds the views). Raising here would skip every other extension's exit,
                # the refund included.
                yield
                return
            seen_by = ec.context.policy.audience(ec.context.viewer)
            key = result_key(releases, seen_by, ec.query, ec.operation_name, ec.variables)
            preparation = getattr(ec.context, "preparation", None)
            hit = cache.get(key)
            if hit is not None:
                metrics.CACHE.labels("result", "hit").inc()
                ec.result = GraphQLExecutionResult(data=hit[0], errors=hit[1])
                ec.context.notices.update(hit[2])  # the copyright lines it carried
                if preparation is not None:
                    preparation.releases, preparation.audience = releases, seen_by
                    preparation.operation = metrics.operation.get()
                yield
                return
            metrics.CACHE.labels("result", "miss").inc()
            yield
            result = ec.result
            if result is None or not _only_gate_errors(result.errors):
                return
            if preparation is not None:  # the fast path may keep the response
                preparation.releases, preparation.audience = releases, seen_by
                preparation.operation = metrics.operation.get()
            size = len(orjson.dumps(result.data, default=str))
            if size <= MAX_RESULT_BYTES:
                cache.put(key, (result.data, result.errors, frozenset(ec.context.notices)), size)

    return ResultCacheExtension
