"""Prometheus metrics at ``/metrics``: requests by operation and status, latency, quota
refusals, cache hits. Each worker process keeps its own registry unless
``PROMETHEUS_MULTIPROC_DIR`` is set (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import os
import threading
from bisect import bisect_left
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


class Batch:
    """One operation's fast-path answers, counted in plain numbers and added to ``REQUESTS``,
    ``LATENCY`` and ``CACHE`` in batches (at most a second apart, and before every scrape):
    a labelled ``inc`` and ``observe`` per request cost a tenth of the fast path's answer.
    The histogram is filled bucket by bucket as ``Histogram.observe`` fills it."""

    __slots__ = ("operation", "requests", "latency", "bounds", "count", "total", "buckets")

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self.requests = REQUESTS.labels("/graphql", operation, "200")
        self.latency = LATENCY.labels("/graphql", operation)
        self.bounds: tuple[float, ...] = tuple(self.latency._upper_bounds)
        self.count = 0
        self.total = 0.0
        self.buckets = [0] * len(self.bounds)

    def observe(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        self.buckets[bisect_left(self.bounds, seconds)] += 1

    def flush(self) -> None:
        count, self.count = self.count, 0
        if not count:
            return
        total, self.total = self.total, 0.0
        buckets, self.buckets = self.buckets, [0] * len(self.bounds)
        self.requests.inc(count)
        CACHE.labels("prepared", "hit").inc(count)
        self.latency._sum.inc(total)
        for i, n in enumerate(buckets):
            if n:
                self.latency._buckets[i].inc(n)


_batches: dict[str, Batch] = {}
_batch_lock = threading.Lock()
_views: dict[str, int] = {}  # code views by plan on the fast path, not yet in CODE_VIEWS


def add_views(plan: str, views: int) -> None:
    _views[plan] = _views.get(plan, 0) + views


def batch(operation: str) -> Batch:
    found = _batches.get(operation)
    if found is None:
        with _batch_lock:
            found = _batches.setdefault(operation, Batch(operation))
    return found


def flush_batches() -> None:
    with _batch_lock:
        for b in _batches.values():
            b.flush()
        for plan in list(_views):
            CODE_VIEWS.labels(plan).inc(_views.pop(plan))


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type."""
    flush_batches()
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
