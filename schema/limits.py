"""Bounds on every request: query depth, tokens and aliases (Strawberry's limiters, which count
aliases through fragment spreads), plus caches for parsed and validated documents."""

from __future__ import annotations

from graphql import ValidationContext, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import create_validator

from domain.settings import Settings


class QueryDepthLimiter(AddValidationRules):
    """Strawberry's ``QueryDepthLimiter`` without its crash on a spread of an undefined fragment
    (``{ ...Nope }`` raised KeyError, an INTERNAL_ERROR): such a document is left to
    graphql-core's own rule, which reports the unknown fragment (GRAPHQL_VALIDATION_FAILED)."""

    def __init__(self, max_depth: int) -> None:
        rule = create_validator(max_depth, None)

        class DepthLimit(rule):  # type: ignore[valid-type,misc]
            def __init__(self, context: ValidationContext) -> None:
                try:
                    super().__init__(context)
                except KeyError:  # an undefined fragment: not ours to report
                    ValidationRule.__init__(self, context)

        super().__init__([DepthLimit])


def limit_extensions(settings: Settings) -> list[SchemaExtension | type[SchemaExtension]]:
    return [
        MaxTokensLimiter(max_token_count=settings.max_tokens),
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
    ]
