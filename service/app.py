"""The FastAPI app: ``/graphql`` (GraphiQL in a browser), ``/healthz``, ``/metrics``."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from domain.db import make_engine
from domain.metering.quota import TALLY_SECONDS, Clock, Meter, QuotaStore, make_store
from domain.releases import loaded_releases
from domain.search.engine import warm
from domain.settings import Settings, get_settings
from schema import build_schema
from service import logs, metrics
from service.caching import ResultCache, make_cache_extension
from service.fastpath import FastPath, PreparedAnswers
from service.fhir.routes import router as fhir_router
from service.ide import STATIC_PATH, static_files
from service.metering import MeteredContext, Metering, MeteringExtension
from service.metrics import OperationLabel
from service.middleware import EdgeMiddleware
from service.migrate import is_current
from service.persisted import make_persisted_store
from service.policy import PER_REQUEST_HEADERS, Policy
from service.router import MedcodeGraphQLRouter

log = logging.getLogger(__name__)

EXPOSED_HEADERS = [*PER_REQUEST_HEADERS, "ETag"]  # what a browser's script may read


def warm_up(engine: Engine) -> None:
    """Load the newest releases' search dictionaries before the first request (about 1 s
    otherwise spent by the first search), then freeze the start-up objects out of the garbage
    collector's way (its full passes over them showed as 60 ms pauses). Best effort: a
    database that is not there yet must not stop the server from starting."""
    try:
        with engine.connect() as conn:
            newest: dict[str, int] = {}
            for release in loaded_releases(conn):  # newest first within each system
                newest.setdefault(release.system_id, release.id)
            warm(conn, list(newest.values()))
    except SQLAlchemyError as exc:
        log.warning("search warm-up skipped: %s", exc)
    gc.collect()
    gc.freeze()


class MedcodeApp(FastAPI):
    """FastAPI with the fast path in front of everything, Starlette's own layers included
    (they cost about as much as the fast path's whole answer)."""

    fast_path: FastPath | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.fast_path is None:
            await super().__call__(scope, receive, send)
        else:
            await self.fast_path(scope, receive, send)


async def write_tallies(meter: Meter) -> None:
    """Write unlimited plans' tallies and the access log every second, also when no request
    comes to do it."""
    while True:
        await asyncio.sleep(TALLY_SECONDS)
        logs.ACCESS.flush()
        if meter.pending_tallies():
            await asyncio.to_thread(meter.write_tallies)


def create_app(settings: Settings | None = None, engine: Engine | None = None, *,
               store: QuotaStore | None = None, clock: Clock = time.time,
               metering: bool = True) -> FastAPI:
    """The app. ``store`` and ``clock`` replace the configured quota store and the wall clock
    (tests); ``metering=False`` serves everyone as an unmetered guest (benchmarks only)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings)
    store = store or make_store(engine=engine, redis_url=settings.redis_url)
    policy = Policy(settings, store, clock)  # both request paths ask it
    meter = Metering(settings, engine, policy)
    extensions: list[Any] = [OperationLabel, *([MeteringExtension] if metering else [])]
    if settings.result_cache_entries > 0:  # after metering: every request is still charged
        cache = ResultCache(settings.result_cache_entries)
        extensions.append(make_cache_extension(cache))
    schema = build_schema(extensions=extensions, settings=settings)

    async def context_getter(request: Request) -> AsyncIterator[MeteredContext]:
        ctx = meter.context(request, authenticate=metering)
        try:
            yield ctx
        finally:
            ctx.close()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        warm_up(engine)
        writer = asyncio.create_task(write_tallies(meter.meter))
        meter.meter.background_writer = True
        yield
        writer.cancel()
        meter.meter.background_writer = False
        meter.meter.write_tallies()  # graceful shutdown: uvicorn has drained the requests
        logs.ACCESS.flush()
        engine.dispose()

    app = MedcodeApp(title="medcode", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.engine = engine
    app.state.settings = settings
    logs.ACCESS.enabled = settings.access_log
    app.state.metering = meter
    app.state.policy = policy
    meter.install(app)
    persisted = make_persisted_store(redis_url=settings.redis_url,
                                     max_entries=settings.persisted_query_entries,
                                     ttl=settings.persisted_query_ttl)
    app.state.persisted_queries = persisted
    app.include_router(
        MedcodeGraphQLRouter(schema, context_getter=context_getter, graphql_ide="graphiql",
                             persisted=persisted,
                             persisted_max_chars=settings.persisted_query_max_chars),
        prefix="/graphql",
    )
    app.mount(STATIC_PATH, static_files(), name="graphiql-static")
    app.include_router(fhir_router)  # the FHIR R4 terminology facade (service/fhir)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "X-API-Key", "Content-Type", "If-None-Match"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    app.add_middleware(EdgeMiddleware, max_body_bytes=settings.max_body_bytes)
    if metering and settings.fast_path and settings.result_cache_entries > 0:
        answers = PreparedAnswers(engine, max_bytes=settings.fast_path_bytes,
                                  recheck_seconds=settings.fast_path_recheck_seconds)
        app.state.prepared = answers
        app.fast_path = FastPath(partial(FastAPI.__call__, app), answers=answers,
                                 policy=policy)

    @app.get("/metrics", include_in_schema=False)
    def metrics_endpoint() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        try:
            migrated = is_current(engine)
            with engine.connect() as conn:
                releases = [(r.system_id, r.version) for r in loaded_releases(conn)]
        except SQLAlchemyError:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        if not migrated or not releases:
            return JSONResponse(
                {"status": "starting", "migrated": migrated, "releases": len(releases)}, 503
            )
        return JSONResponse(
            {"status": "ok", "releases": [f"{s} {v}" for s, v in releases]}, 200
        )

    return app
