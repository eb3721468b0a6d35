"""The FastAPI application: ``/graphql`` (GraphiQL in a browser) and ``/healthz``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from schema import build_schema
from service.db import make_engine
from service.metering import MeteredContext, MeteredGraphQLRouter, Metering, MeteringExtension
from service.migrate import is_current
from service.models import Release
from service.quota import Clock, QuotaStore, make_store
from service.settings import Settings, get_settings


def create_app(settings: Settings | None = None, engine: Engine | None = None, *,
               store: QuotaStore | None = None, clock: Clock = time.time,
               metering: bool = True) -> FastAPI:
    """The app. ``store`` and ``clock`` replace the configured quota store and the wall clock
    (tests); ``metering=False`` serves everyone as an unmetered guest (benchmarks only)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings)
    store = store or make_store(engine=engine, redis_url=settings.redis_url)
    meter = Metering(settings, engine, store, clock)
    schema = build_schema(extensions=[MeteringExtension] if metering else [], settings=settings)

    async def context_getter(request: Request) -> AsyncIterator[MeteredContext]:
        ctx = meter.context(request, authenticate=metering)
        try:
            yield ctx
        finally:
            ctx.close()

    app = FastAPI(title="medcode", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.settings = settings
    app.state.metering = meter
    meter.install(app)
    app.include_router(
        MeteredGraphQLRouter(schema, context_getter=context_getter, graphql_ide="graphiql"),
        prefix="/graphql",
    )

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        try:
            migrated = is_current(engine)
            with engine.connect() as conn:
                releases = conn.execute(select(Release.system_id, Release.version)).all()
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
