"""Prometheus metrics at ``/metrics``: requests by operation and status, latency, quota
refusals, cache hits. Each worker process keeps its own registry unless
``PROMETHEUS_MULTIPROC_DIR`` is set (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextvars import ContextVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from strawberry.extensions import SchemaExtension

operation: ContextVar[str] = ContextVar("operation", default="-")
disable_created_metrics()

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("medcode_requests_total", "HTTP requests by GraphQL operation and status.",
                   ["path", "operation", "status"], registry=REGISTRY)
LATENCY = Histogram("medcode_request_seconds", "Request latency by GraphQL operation.",
                    ["path", "operation"], registry=REGISTRY,
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
QUOTA_REFUSALS = Counter("medcode_quota_refusals_total", "Requests refused for quota, by plan.",
                         ["plan"], registry=REGISTRY)
CACHE = Counter("medcode_cache_total", "Cache lookups by cache and result (hit or miss).",
                ["cache", "result"], registry=REGISTRY)
CODE_VIEWS = Counter("medcode_code_views_total", "Code views charged, by plan.", ["plan"],
                     registry=REGISTRY)


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class OperationLabel(SchemaExtension):
    """Label the request's metrics with its root fields (``code``, ``search`` ...)."""

    def on_execute(self) -> Iterator[None]:
        doc = self.execution_context.graphql_document
        names: list[str] = []
        for definition in getattr(doc, "definitions", ()):
            selection_set = getattr(definition, "selection_set", None)
            if getattr(definition, "operation", None) is None or selection_set is None:
                continue
            for sel in selection_set.selections:
                name = getattr(getattr(sel, "name", None), "value", None)
                if name and name not in names:
                    names.append(name)
        operation.set(",".join(sorted(names))[:60] or "-")
        yield
