"""``viewer`` and ``register``."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from schema.viewer.types import Quota, RegisteredKey, Viewer


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The caller's plan and remaining quota. Costs no code views.")
    def viewer(self, info: Info) -> Viewer:
        v = info.context.viewer
        limit = info.context.settings.plan_limits.get(v.plan)
        now = datetime.datetime.now(datetime.UTC)
        reset = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                           microsecond=0)
        lim = -1 if limit is None else limit
        return Viewer(plan=v.plan, quota=Quota(limit=lim, used=0, remaining=lim, reset_at=reset))


@strawberry.type
class ViewerMutations:
    @strawberry.mutation(description="Register for a free API key (6 code views a day).")
    def register(self, info: Info, email: str) -> RegisteredKey:
        raise NotImplementedError
