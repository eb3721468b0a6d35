"""The caller's plan and quota (``viewer``), and ``register``."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.type(description="The caller's allowance of code views in the current daily window.")
class Quota:
    limit: int = strawberry.field(description="Code views a day (-1: unlimited).")
    used: int = strawberry.field(description="Code views used in this window.")
    remaining: int = strawberry.field(description="Code views left in this window.")
    reset_at: datetime.datetime = strawberry.field(description="When the window resets (UTC).")


@strawberry.type(description="Who is calling.")
class Viewer:
    plan: str = strawberry.field(description="`guest`, `free`, `pro` or `partner`.")
    licences: list[str] = strawberry.field(
        description="The licences the operator granted your key (`cpt`: the AMA's CPT "
        "descriptors and modifier texts); empty for guests and for keys without one."
    )
    quota: Quota = strawberry.field(
        description="Code views allowed, used and left today; the same numbers as the "
        "`X-RateLimit-*` response headers."
    )


@strawberry.type(description="A newly registered API key. The key is shown once: store it.")
class RegisteredKey:
    key: str = strawberry.field(
        description="The API key. Send it as `Authorization: Bearer <key>` (or `X-API-Key`). "
        "It is shown only this once: medcode stores a hash of it."
    )
    plan: str = strawberry.field(description="The key's plan: `free`.")
