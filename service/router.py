"""The ``/graphql`` router: metering (``MeteredGraphQLRouter``), plus what browsers and CDNs
need: GraphiQL served from this package (``service.ide``), automatic persisted queries
(``service.persisted``) and ETag / ``Cache-Control`` / 304 on GET (``service.http_cache``), and
the status codes of the GraphQL-over-HTTP spec's ``application/graphql-response+json``.

A client that prefers ``application/graphql-response+json`` (``service.encoding.negotiate``; the
edge layer, ``service.middleware``, sets the media type and drops ``data`` from error answers)
gets a 400 for a request that failed before execution: a document that does not parse or
validate, a request bound (depth, aliases, tokens), a variable that cannot be coerced. With
``application/json`` (the default) these stay 200 with ``"data": null``, as before.

Per request, ``run`` keeps a small state in a context variable: ``parse_http_body`` resolves the
persisted-query extension into the query text, and ``process_result`` (which sees the execution
result) stores a newly sent query once it has parsed and validated, and keeps the processed
answer for the ETag.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from cross_web import AsyncHTTPRequestAdapter
from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from schema.errors import (
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    QUERY_TOO_LARGE,
)
from service import http_cache, ide
from service.encoding import GRAPHQL_RESPONSE, MEDIA, negotiate
from service.metering import MeteredGraphQLRouter, current_quota_headers, error_response
from service.persisted import PersistedQueryError, PersistedQueryStore, PersistedRequest, resolve

_NOT_STORED = frozenset({GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_LARGE})
# The codes of errors that stop a request before execution (the spec's "request errors").
_REQUEST_ERRORS = _NOT_STORED | {BAD_USER_INPUT}
VARY = (*http_cache.VARY, "Accept")  # a GET answer's media type is the client's choice


def failed_before_execution(result: ExecutionResult) -> bool:
    """Whether nothing was executed because of the request itself: no data, and only errors
    of parsing, validation, the request bounds or variable coercion, none at a field."""
    errors = result.errors or []
    return bool(errors) and result.data is None and all(
        e.path is None and (e.extensions or {}).get("code") in _REQUEST_ERRORS for e in errors)


@dataclass(slots=True)
class _RequestState:
    persisted: PersistedRequest | None = None
    answer: GraphQLHTTPResponse | None = None
    request_error: bool = False
    media: str = ""


_state: ContextVar[_RequestState | None] = ContextVar("medcode_graphql_request", default=None)


class MedcodeGraphQLRouter(MeteredGraphQLRouter):
    def __init__(self, schema: Any, *, persisted: PersistedQueryStore,
                 persisted_max_chars: int = 100_000, **kwargs: Any) -> None:
        super().__init__(schema, **kwargs)
        self.persisted = persisted
        self.persisted_max_chars = persisted_max_chars

    # GraphiQL -----------------------------------------------------------------------------

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET carrying only a persisted-query hash has no `query` but is an operation.
        return (super().should_render_graphql_ide(request)
                and request.query_params.get("extensions") is None)

    async def render_graphql_ide(self, request: Request) -> Response:  # type: ignore[override]
        return ide.graphiql_response(request.url.path)

    # Persisted queries --------------------------------------------------------------------

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData):
            found = resolve(self.persisted, data.query, data.extensions,
                            max_chars=self.persisted_max_chars)
            if found is not None:
                data.query = found.query
                state = _state.get()
                if state is not None:
                    state.persisted = found
        return data

    async def process_result(self, request: Request,
                             result: ExecutionResult) -> GraphQLHTTPResponse:
        answer = await super().process_result(request, result)
        state = _state.get()
        if state is None:
            return answer
        found = state.persisted
        if found is not None and found.register and not any(
            (e.extensions or {}).get("code") in _NOT_STORED for e in result.errors or ()
        ):
            self.persisted.put(found.digest, found.query)
        state.answer = answer
        state.request_error = failed_before_execution(result)
        return answer

    # The request --------------------------------------------------------------------------

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if not isinstance(request, Request):  # a WebSocket
            return await super().run(request, context=context, root_value=root_value)
        media = request.scope.get("state", {}).get(MEDIA) or negotiate(
            request.headers.get("accept", "").encode("latin-1") or None)
        state = _RequestState(media=media)
        token = _state.set(state)
        try:
            response = await super().run(request, context=context, root_value=root_value)
        except PersistedQueryError as exc:  # nothing ran: not charged
            response = error_response(exc.status, exc.message, exc.code,
                                      current_quota_headers(context))
        finally:
            _state.reset(token)
        if (media == GRAPHQL_RESPONSE and state.request_error and isinstance(response, Response)
                and response.status_code == 200):
            response.status_code = 400
        if request.method == "GET" and isinstance(response, Response):
            response = _conditional(request, response, state, context)
        return response


def _conditional(request: Request, response: Response, state: _RequestState,
                 context: Any) -> Response:
    """ETag and Cache-Control on a GET answer, and 304 when the client holds that answer."""
    if state.answer is None:  # GraphiQL's page, or a request that never ran
        if response.status_code != 200 or "text/html" not in response.headers.get(
                "content-type", ""):
            response.headers["Cache-Control"] = http_cache.NOT_CACHEABLE
        return response
    if response.status_code != 200:
        response.headers["Cache-Control"] = http_cache.NOT_CACHEABLE
        return response
    try:
        releases = http_cache.release_signature(getattr(context, "releases", ()))
    except SQLAlchemyError:  # the answer stands; its tag then covers the content alone
        releases = ""
    if state.media == GRAPHQL_RESPONSE:  # another representation: another tag
        releases = f"{releases};{GRAPHQL_RESPONSE}"
    etag = http_cache.entity_tag(releases, dict(state.answer))
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = http_cache.CACHE_CONTROL
    http_cache.add_vary(response, *VARY)
    if http_cache.matches(request.headers.get("if-none-match"), etag):
        return http_cache.not_modified(response)
    return response
