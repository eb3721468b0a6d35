"""The GraphQL schema, composed from the domain query classes."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.codes.queries import CodeQueries
from schema.releases.queries import ReleaseQueries
from schema.search.queries import SearchQueries
from schema.systems.types import SystemQueries
from schema.validation.queries import ValidationQueries
from schema.viewer.queries import ViewerMutations, ViewerQueries
from service.error_codes import ErrorStatus, MedcodeSchema
from service.limits import limit_extensions
from service.metrics import OperationLabel
from service.settings import Settings, get_settings

Query = merge_types(
    "Query",
    (SystemQueries, CodeQueries, SearchQueries, ReleaseQueries, ViewerQueries, ValidationQueries),
)
Mutation = merge_types("Mutation", (ViewerMutations,))


def build_schema(extensions: list | None = None, settings: Settings | None = None) -> MedcodeSchema:
    """The schema with the request bounds, document caches and error codes, plus ``extensions``."""
    bounds = limit_extensions(settings or get_settings())
    return MedcodeSchema(query=Query, mutation=Mutation,
                         extensions=[OperationLabel, ErrorStatus, *bounds, *(extensions or [])])


schema = build_schema()
