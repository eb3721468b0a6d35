"""Metering wired into the GraphQL endpoint: the long way's use of the policy
(``service.policy``, which the fast path asks too).

1. ``Metering.context`` (the router's ``context_getter``) identifies the caller: no key is a
   guest keyed by client address; a malformed, unknown or revoked key is a 401 before anything
   else happens (a malformed one without a database lookup).
2. ``MeteringExtension.on_execute`` runs after Strawberry has parsed and validated the document
   and before execution: it prices the document (``schema.cost``) and charges it in one atomic
   store call. Not enough left: the result is set to a QUOTA_EXCEEDED error, so nothing executes,
   and the response is a 429 with ``Retry-After``. After execution, the views of codes that came
   back ``null`` are given back.
3. ``get_results`` adds ``extensions.cost`` and puts the quota headers on the response (through
   the context's ``response``, which Strawberry's FastAPI view merges into its answer).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from cross_web import HTTPException
from fastapi import FastAPI, Request
from fastapi.responses import Response
from graphql import ExecutionResult as GraphQLExecutionResult
from sqlalchemy import Engine
from strawberry.extensions import SchemaExtension
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET

from domain.metering.credentials import AuthError, KeyStoreUnavailable
from domain.metering.quota import Meter, QuotaState, StoreUnavailable
from domain.metering.viewer import Viewer
from domain.settings import Settings
from schema.context import Context
from schema.cost import delivered_views
from schema.errors import (
    BAD_REQUEST,
    QUOTA_EXCEEDED,
    SERVICE_UNAVAILABLE,
    UNAUTHENTICATED,
    coded_error,
)
from service import metrics
from service.encoding import encode
from service.fastpath import PREPARE
from service.policy import Policy

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "The quota store does not answer, so medcode cannot serve metered requests right now. "
    "Nothing was charged; try again in a minute."
)
REGISTER_TIP = (
    'Register for a free key (6 code views a day) with `mutation { register(email: '
    '"you@example.com") { key } }` and send it as `Authorization: Bearer <key>`.'
)


class MeteredContext(Context):
    """A request context made by the metering: it always has the policy, a meter and a client
    address."""

    meter: Meter
    response: Response  # set by Strawberry's FastAPI view before execution

    def __init__(self, engine: Engine, settings: Settings, policy: Policy, viewer: Viewer, *,
                 address: str) -> None:
        super().__init__(engine, settings, viewer, meter=policy.meter, address=address)
        self.policy = policy


def current_quota_headers(context: Any) -> dict[str, str]:
    """The quota headers of an answer that charged nothing (a 400): the caller's allowance as
    it stands, best effort."""
    if not isinstance(context, MeteredContext):
        return {}
    with contextlib.suppress(StoreUnavailable):
        return context.policy.quota_headers(context.current_quota())
    return {}


def error_response(status: int, message: str, code: str,
                   headers: dict[str, str] | None = None) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    # ASCII-escaped, so that a lone surrogate echoed from the request cannot break encoding.
    return Response(json.dumps(body), status_code=status, headers=headers,
                    media_type="application/json")


def _reset_text(state: QuotaState) -> str:
    at = datetime.fromtimestamp(state.reset_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    hours, rest = divmod(state.seconds_to_reset, 3600)
    return f"{at} (in {hours} h {rest // 60} min)"


def quota_message(viewer: Viewer, state: QuotaState, requested: int) -> str:
    limit = state.limit or 0
    text = (f"Quota exceeded: this request needs {requested} code view"
            f"{'s' if requested != 1 else ''}, and the {viewer.plan} plan has {state.remaining} "
            f"of {limit} left today. Nothing was run or charged. The allowance resets at "
            f"{_reset_text(state)}.")
    if requested > limit:
        text += f" This request alone asks for more than the plan's {limit} a day: ask for fewer."
    if viewer.is_guest:
        text += " " + REGISTER_TIP
    return text


class Metering:
    """The long way's metering: request contexts, and the HTTP answers to auth and store
    failures, by the app's policy."""

    def __init__(self, settings: Settings, engine: Engine, policy: Policy) -> None:
        self.settings = settings
        self.engine = engine
        self.policy = policy
        self.meter = policy.meter

    def address(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return self.policy.address(peer, request.headers.get("x-forwarded-for"))

    def context(self, request: Request, *, authenticate: bool = True) -> MeteredContext:
        """A request's context; raises AuthError (401) or KeyStoreUnavailable (503)."""
        address = self.address(request)
        ctx = MeteredContext(self.engine, self.settings, self.policy, self.policy.guest(address),
                             address=address)
        ctx.preparation = request.scope.get("state", {}).get(PREPARE)
        if authenticate:
            try:
                ctx.viewer = self.policy.viewer(request.headers, address, ctx.conn)
            except BaseException:
                ctx.close()
                raise
        return ctx

    def install(self, app: FastAPI) -> None:
        """Answer auth and availability failures as GraphQL-shaped JSON."""

        async def unauthenticated(request: Request, exc: Exception) -> Response:
            headers = self.policy.unauthenticated_headers(self.address(request))
            return error_response(401, str(exc), UNAUTHENTICATED, headers)

        async def unavailable(request: Request, exc: Exception) -> Response:
            log.warning("service unavailable: %s", exc)
            return error_response(503, UNAVAILABLE_MESSAGE if isinstance(exc, StoreUnavailable)
                                  else "The database does not answer; try again in a minute.",
                                  SERVICE_UNAVAILABLE, self.policy.unavailable_headers())

        app.add_exception_handler(AuthError, unauthenticated)
        app.add_exception_handler(KeyStoreUnavailable, unavailable)
        app.add_exception_handler(StoreUnavailable, unavailable)


class MeteringExtension(SchemaExtension):
    """Charge before execution, refund nulls after, report the cost and the quota."""

    def __init__(self, *, execution_context: Any = None) -> None:
        self.requested = 0
        self.actual = 0

    def _context(self) -> MeteredContext | None:
        ctx = self.execution_context.context
        return ctx if isinstance(ctx, MeteredContext) else None

    def _refuse(self, ctx: MeteredContext, status: int, message: str, code: str,
                **extra: Any) -> None:
        self.execution_context.result = GraphQLExecutionResult(
            data=None, errors=[coded_error(message, code, **extra)])
        ctx.response.status_code = status

    def on_execute(self) -> Iterator[None]:
        ctx = self._context()
        if ctx is None:
            yield
            return
        ec = self.execution_context
        assert ec.graphql_document is not None
        policy = ctx.policy
        cost = policy.price(ec.schema._schema, ec.graphql_document, ec.operation_name,
                            ec.variables)
        ctx.cost = cost
        self.requested = cost.requested
        viewer = ctx.viewer
        try:
            state = policy.charge(viewer, cost.requested)
        except StoreUnavailable as exc:
            log.warning("quota store unavailable: %s", exc)
            ctx.store_down = True
            self._refuse(ctx, 503, UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE)
            ctx.response.headers.update(policy.unavailable_headers())
            yield
            return
        ctx.quota = state
        if not state.granted:
            metrics.QUOTA_REFUSALS.labels(viewer.plan).inc()
            self._refuse(ctx, 429, quota_message(viewer, state, cost.requested), QUOTA_EXCEEDED,
                         requested=cost.requested, remaining=state.remaining,
                         limit=state.limit, retryAfter=state.seconds_to_reset)
            ctx.response.headers.update(policy.refusal_headers(state))
            yield
            return
        try:
            yield
        finally:
            if cost.requested:
                result = ec.result
                self.actual = delivered_views(cost, getattr(result, "data", None))
                refunded = policy.refund(viewer, state, cost.requested - self.actual)
                if refunded is not None:
                    ctx.quota = refunded
                policy.delivered(viewer, self.actual)
            if ctx.preparation is not None:
                ctx.preparation.requested = cost.requested
                ctx.preparation.actual = self.actual

    def get_results(self) -> dict[str, Any]:
        ctx = self._context()
        if ctx is None:
            return {}
        state = ctx.quota
        if state is None and not ctx.store_down:  # parse or validation error: nothing charged
            try:
                state = ctx.current_quota()
            except StoreUnavailable:
                state = None
        if state is not None:
            ctx.response.headers.update(ctx.policy.quota_headers(state))
        return {"cost": {"requested": self.requested, "actual": self.actual,
                         "remaining": None if state is None else state.remaining}}


class MeteredGraphQLRouter(GraphQLRouter):
    """Strawberry's FastAPI router, answering its own 400s as GraphQL JSON with quota headers."""

    def encode_json(self, data: object) -> bytes:
        return encode(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            value = super().decode_json(data)
        except (ValueError, RecursionError):  # bad UTF-8, 10,000-deep nesting, huge numbers
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(value, dict | list):
            raise HTTPException(400, 'Expected a JSON object such as {"query": "{ codeSystems '
                                     '{ id } }", "variables": {}}.')
        return value

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            return error_response(exc.status_code, exc.reason, BAD_REQUEST,
                                  current_quota_headers(context))
