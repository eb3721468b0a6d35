"""Give every GraphQL error an ``extensions.code``, and keep internals away from clients.

Strawberry calls ``process_errors`` for parse, validation and execution errors alike, so the
schema subclass below is the one place where codes are assigned: syntax errors, validation
errors, the request bounds, bad variables, and anything unexpected. An unexpected exception
becomes ``INTERNAL_ERROR`` whose message carries a request id; the log line with the same id
holds the traceback. Expected errors (our own coded ones) are not logged.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from schema.errors import (
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    INTERNAL_ERROR,
    QUERY_TOO_LARGE,
    SERVICE_UNAVAILABLE,
)

log = logging.getLogger("medcode.errors")

_TOO_LARGE = re.compile(
    r"exceeds maximum operation depth|aliases found\. Allowed|more than \d+ tokens", re.I
)
# Values the caller sent that cannot be used (variable coercion). A document that misuses a
# variable ("Variable '$c' is not defined.") is a validation error like any other.
_BAD_INPUT = re.compile(
    r"^Variable '\$[^']*' has invalid (?:default )?value|^Variable values are nested too deeply"
    r"|got invalid value|^Argument '.*' of .*required",
    re.I,
)
UNAVAILABLE_MESSAGE = (
    "The database is unreachable right now; nothing was charged. Retry in a few seconds."
)


def request_id_of(execution_context: ExecutionContext | None) -> str:
    ctx: Any = getattr(execution_context, "context", None)
    rid = getattr(ctx, "request_id", None)
    if rid:
        return str(rid)
    rid = uuid.uuid4().hex[:16]
    if ctx is not None:
        with contextlib.suppress(AttributeError):
            ctx.request_id = rid
    return rid


def classify(error: GraphQLError) -> str:
    """The code for an error that has none yet."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        if error.message.startswith("Syntax Error") or "Parsing aborted" in error.message:
            return QUERY_TOO_LARGE if _TOO_LARGE.search(error.message) else GRAPHQL_PARSE_FAILED
        if _TOO_LARGE.search(error.message):
            return QUERY_TOO_LARGE
        if _BAD_INPUT.search(error.message):
            return BAD_USER_INPUT
        return GRAPHQL_VALIDATION_FAILED if error.path is None else BAD_USER_INPUT
    if isinstance(original, OperationalError | PoolTimeout) or (
        isinstance(original, DBAPIError) and original.connection_invalidated
    ):
        return SERVICE_UNAVAILABLE
    return INTERNAL_ERROR


class MedcodeSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            extensions = error.extensions if error.extensions is not None else {}
            if "code" in extensions:
                error.extensions = extensions
                continue
            code = classify(error)
            extensions["code"] = code
            if code == INTERNAL_ERROR:
                rid = request_id_of(execution_context)
                log.error("internal error, request id %s: %s", rid, error.message,
                          exc_info=error.original_error)
                error.message = (f"Internal error (request id {rid}). It has been logged; "
                                 "please report the id if it persists.")
                extensions["requestId"] = rid
            elif code == SERVICE_UNAVAILABLE:
                log.warning("database unavailable: %s", error.message)
                error.message = UNAVAILABLE_MESSAGE
            error.extensions = extensions
        # Here, not only in ErrorStatus: an exception raised by an extension's on_execute (the
        # result cache reads the releases) skips the code after every on_operation's yield.
        set_status(execution_context, errors)


def code_of(error: GraphQLError) -> str:
    """The code an error carries, or will carry once ``process_errors`` has seen it."""
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else classify(error)


def set_status(execution_context: ExecutionContext | None,
               errors: Iterable[GraphQLError]) -> None:
    """503 with ``Retry-After`` when the database is unreachable. (A bug, INTERNAL_ERROR, stays
    a 200 with its error, as GraphQL answers a failed field; the README says so.)"""
    if SERVICE_UNAVAILABLE not in {code_of(e) for e in errors}:
        return
    response = getattr(getattr(execution_context, "context", None), "response", None)
    if response is not None:
        response.status_code = 503
        response.headers["Retry-After"] = "5"


class ErrorStatus(SchemaExtension):
    """An HTTP status for errors that are the server's condition, not the caller's: the database
    unreachable while serving is a 503 with ``Retry-After`` (and recovers on its own: the pool
    reconnects on the next request)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        set_status(self.execution_context, getattr(result, "errors", None) or ())
