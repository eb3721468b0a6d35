"""The ``changes`` query field."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.changes import compute_changes
from schema.codes.types import Code
from schema.enums import CodeSystemId
from schema.errors import BAD_USER_INPUT, coded_error
from schema.releases.types import ReleaseChanges, Revision


@strawberry.type
class ReleaseQueries:
    @strawberry.field(description="What changed from one release to another (`2025` to "
                      "`2026`). Costs no code views.")
    def changes(
        self, info: Info,
        system: Annotated[CodeSystemId, strawberry.argument(
            description="The code system whose releases to compare.")],
        from_: Annotated[str, strawberry.argument(name="from", description="Older release.")],
        to: Annotated[str, strawberry.argument(description="Newer release.")],
    ) -> ReleaseChanges:
        ctx = info.context
        versions = {r.version: r for r in ctx.releases if r.system_id == system.value}
        for wanted in (from_, to):
            if wanted not in versions:
                loaded = ", ".join(sorted(versions)) or "none"
                raise coded_error(f"No {system.value} release {wanted!r} is loaded (loaded: "
                                  f"{loaded}).", BAD_USER_INPUT)
        cs = compute_changes(ctx.conn(), from_release=versions[from_].id,
                             to_release=versions[to].id)
        return ReleaseChanges(
            from_=from_, to=to,
            added=[Code.from_row(r) for r in cs.added],
            deleted=[Code.from_row(r) for r in cs.deleted],
            revised=[Revision(code=r.code.code, _before=r.before, _after=r.after,
                              _release_id=versions[to].id)
                     for r in cs.revised],
            added_count=len(cs.added), deleted_count=len(cs.deleted),
            revised_count=len(cs.revised),
        )
