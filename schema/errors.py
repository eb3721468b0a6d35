"""The error codes every GraphQL error carries in ``extensions.code`` (listed in the README)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
BAD_USER_INPUT = "BAD_USER_INPUT"
REGISTRATION_REQUIRED = "REGISTRATION_REQUIRED"
LICENSE_REQUIRED = "LICENSE_REQUIRED"  # content not ours to give (CPT): a key with the licence
QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
UNAUTHENTICATED = "UNAUTHENTICATED"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
BAD_REQUEST = "BAD_REQUEST"
INTERNAL_ERROR = "INTERNAL_ERROR"
# Automatic persisted queries (service/persisted.py): an unknown hash; the client resends
# the query text with it.
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


def coded_error(message: str, code: str, **extra: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extra})


def licence_required(licence: str) -> GraphQLError:
    """The error of a field whose content needs a licence the caller's key does not hold."""
    return coded_error(
        f"This text is licensed content: it needs an API key holding the `{licence}` licence "
        f"({LICENCE_NAMES.get(licence, licence)}), which the operator of this service grants "
        "(`medcode keys licence KEY_ID --add " + licence + "`). The code, its hierarchy and its "
        "public facts (fee schedule, NCCI edits) need none.", LICENSE_REQUIRED, licence=licence)


LICENCE_NAMES = {"cpt": "the AMA's CPT descriptors and modifier texts"}


def too_large(what: str, limit: int) -> GraphQLError:
    return coded_error(f"{what} is over the limit of {limit}.", QUERY_TOO_LARGE, limit=limit)
