"""Query fields that look codes up: ``code`` and ``codes``."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema.codes.prefetch import Ask, selected
from schema.codes.types import Code
from schema.enums import CodeSystemId
from schema.errors import too_large
from systems import spec_of

AsOf = Annotated[
    datetime.date | None,
    strawberry.argument(description="Answer from the release in force on this date "
                        "(default: the newest release)."),
]


System = Annotated[CodeSystemId, strawberry.argument(description="The code system to look in.")]
CodeArg = Annotated[str, strawberry.argument(
    description="The code as written on a chart or claim: dotted or not, any case, surrounding "
    "spaces ignored (`E11.9`, `e119`). Blocks and chapters too (`E08-E13`, `4`)."
)]
CodesArg = Annotated[list[str], strawberry.argument(
    description="Up to 500 codes, written as for `code`; the answer keeps their order and "
    "repeats."
)]


async def lookup(
    info: Info, system: CodeSystemId, codes: list[str], as_of: datetime.date | None
) -> list[Code | None]:
    ctx = info.context
    release = ctx.release_for(system.value, as_of)
    if release is None:
        return [None] * len(codes)
    keys = [spec_of(system.value).normalise(c) for c in codes]
    rows = await ctx.loaders.code_by_key.load_many([(release.id, k) for k in keys if k])
    if as_of is not None:  # a code's own dates within its release (HCPCS) apply too
        rows = [r if r is not None and r.in_force_on(as_of) else None for r in rows]
    pre = None
    present = [r for r in rows if r is not None]
    if present and not ctx.viewer.is_guest:  # guests keep the loaders (see prefetch.py)
        wanted = selected(info)
        if wanted:
            pre = await ctx.loaders.prefetch.load(Ask(release.id, present, frozenset(wanted)))
    found = iter(rows)
    return [Code.from_row(r, pre) if k and (r := next(found)) else None for k in keys]


@strawberry.type
class CodeQueries:
    @strawberry.field(description="One code by its code, dotted or not, any case (`e119` finds "
                      "`E11.9`). Null when the release has no such code. Costs one code view.")
    async def code(
        self,
        info: Info,
        system: System,
        code: CodeArg,
        as_of: AsOf = None,
    ) -> Code | None:
        return (await lookup(info, system, [code], as_of))[0]

    @strawberry.field(description="Several codes in one request (at most 500), answered in the "
                      "order asked; null for an unknown code. Costs one view per code returned.")
    async def codes(
        self,
        info: Info,
        system: System,
        codes: CodesArg,
        as_of: AsOf = None,
    ) -> list[Code | None]:
        limit = info.context.settings.max_codes
        if len(codes) > limit:
            raise too_large(f"`codes` asks for {len(codes)} codes, which", limit)
        return await lookup(info, system, codes, as_of)
