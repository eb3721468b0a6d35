"""The ``search`` query field."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema.codes.types import Code
from schema.enums import CodeSystemId
from schema.search.engine import search as run_search
from schema.search.types import CodeConnection, CodeEdge, PageInfo, decode_cursor, encode_cursor
from service.errors import BAD_USER_INPUT, coded_error, too_large


@strawberry.type
class SearchQueries:
    @strawberry.field(description="Find codes by words (any order, stems, the last word as a "
                      "prefix) or by a code or its start (`e11.`). Costs no code views.")
    async def search(
        self,
        info: Info,
        text: str,
        systems: list[CodeSystemId] | None = None,
        billable_only: bool = False,
        first: int = 20,
        after: str | None = None,
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
        releases = [r for s in wanted if (r := ctx.release_for(s.value)) is not None]
        page = run_search(ctx.conn(), [r.id for r in releases], text,
                          billable_only=billable_only, limit=first, offset=offset)
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
