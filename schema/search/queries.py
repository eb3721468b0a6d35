"""The ``search`` query field."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.search.engine import search as run_search
from schema.codes.types import Code
from schema.enums import CodeSystemId
from schema.errors import BAD_USER_INPUT, coded_error, too_large
from schema.search.types import CodeConnection, CodeEdge, PageInfo, decode_cursor, encode_cursor
from systems import spec_of


@strawberry.type
class SearchQueries:
    @strawberry.field(description="Find codes by words (any order, stems, the last word as a "
                      "prefix) or by a code or its start (`e11.`). CPT's descriptors are "
                      "searched only for keys holding the `cpt` licence; other callers find CPT "
                      "codes by code. Costs no code views.")
    async def search(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(
            description="What the coder has in front of them: words from a chart, a lay term, an "
            "abbreviation, a misspelling, or a code or its start (at most 256 characters).")],
        systems: Annotated[list[CodeSystemId] | None, strawberry.argument(
            description="Code systems to search (default: all).")] = None,
        billable_only: Annotated[bool, strawberry.argument(
            description="Only codes that may be reported on a claim.")] = False,
        first: Annotated[int, strawberry.argument(
            description="Results per page (at most 100).")] = 20,
        after: Annotated[str | None, strawberry.argument(
            description="A cursor from a previous page: continue after it.")] = None,
    ) -> CodeConnection:
        ctx = info.context
        settings = ctx.settings
        if first > settings.max_first:
            raise too_large(f"`first` of {first}", settings.max_first)
        if first < 0:
            raise coded_error("`first` must be zero or more.", BAD_USER_INPUT)
        if len(text) > settings.max_search_text:
            raise too_large(f"The search text of {len(text)} characters", settings.max_search_text)
        offset = decode_cursor(after)
        if offset is None:
            raise coded_error("`after` is not a cursor from this search.", BAD_USER_INPUT)
        wanted = systems or list(CodeSystemId)
        releases = [(r.id, spec_of(s.value)) for s in wanted
                    if (r := ctx.release_for(s.value)) is not None]
        # Licensed text the caller may not read is searched by code alone: it never matches,
        # ranks or shows (the codes themselves, and their hierarchy, are open to everyone).
        codes_only = {r for r, _spec in releases if ctx.text_gate(r) is not None}
        page = run_search(ctx.conn(), releases, text, billable_only=billable_only,
                          limit=first, offset=offset, codes_only=codes_only)
        rows = await ctx.loaders.code_by_id.load_many([h.code_id for h in page.hits])
        edges = [
            CodeEdge(cursor=encode_cursor(offset + i), node=Code.from_row(row), score=h.score)
            for i, (h, row) in enumerate(zip(page.hits, rows, strict=True))
            if row is not None
        ]
        return CodeConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=offset + len(edges) < page.total,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )
