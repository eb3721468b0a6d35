"""The GraphQL schema, composed from the domain query classes."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.settings import Settings, get_settings
from schema.codes.queries import CodeQueries
from schema.error_codes import ErrorStatus, MedcodeSchema
from schema.licences import LicenceNotices
from schema.limits import limit_extensions
from schema.pfs.queries import FeeQueries
from schema.releases.queries import ReleaseQueries
from schema.search.queries import SearchQueries
from schema.systems.types import SystemQueries
from schema.validation.claim import ClaimQueries
from schema.validation.queries import ValidationQueries
from schema.viewer.queries import ViewerMutations, ViewerQueries

QUERY_DESCRIPTION = (
    "Read ICD-10-CM, ICD-10-PCS, HCPCS Level II and CPT: look codes up (`code`, `codes`), "
    "search them, compare releases, validate a claim's codes and lines, read the Medicare fee "
    "schedule. Each code returned by `code`/`codes`, and each code `validateCodes` "
    "checks, costs one code view; the rest costs none. Send an API key as "
    "`Authorization: Bearer <key>` to see `related` and `guidelines`; `viewer` shows your quota."
)
Query = strawberry.type(
    type("Query", (SystemQueries, CodeQueries, SearchQueries, ReleaseQueries, ViewerQueries,
                   ValidationQueries, ClaimQueries, FeeQueries), {}),
    description=QUERY_DESCRIPTION,
)
Mutation = strawberry.type(type("Mutation", (ViewerMutations,), {}),
                           description="Get an API key: `register` gives a free one.")


def build_schema(extensions: list[Any] | None = None,
                 settings: Settings | None = None) -> MedcodeSchema:
    """The schema with the request bounds, document caches and error codes, plus ``extensions``."""
    bounds = limit_extensions(settings or get_settings())
    every: list[Any] = [ErrorStatus, *bounds, LicenceNotices, *(extensions or [])]
    return MedcodeSchema(query=Query, mutation=Mutation, extensions=every)


schema = build_schema()
