"""Bounds on every request: query depth, tokens and aliases (Strawberry's limiters, which count
aliases through fragment spreads), plus caches for parsed and validated documents."""

from __future__ import annotations

from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from service.settings import Settings


def limit_extensions(settings: Settings) -> list[SchemaExtension | type[SchemaExtension]]:
    return [
        MaxTokensLimiter(max_token_count=settings.max_tokens),
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
    ]
