"""The GraphQL schema, composed from the domain query classes."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from schema.codes.queries import CodeQueries
from schema.releases.queries import ReleaseQueries
from schema.search.queries import SearchQueries
from schema.systems.types import SystemQueries
from schema.viewer.queries import ViewerMutations, ViewerQueries

Query = merge_types(
    "Query", (SystemQueries, CodeQueries, SearchQueries, ReleaseQueries, ViewerQueries)
)
Mutation = merge_types("Mutation", (ViewerMutations,))


def build_schema(extensions: list | None = None) -> strawberry.Schema:
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions or [])


schema = build_schema()
