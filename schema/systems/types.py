"""Code systems and their releases."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from domain.metering.licences import COPYRIGHT, needed_for_text
from domain.releases import ReleaseRow
from schema.enums import CodeSystemId
from systems import SPECS


@strawberry.type(description="A loaded release of a code system: one fiscal year.")
class Release:
    version: str = strawberry.field(description="The release's name, e.g. `2026` (FY2026).")
    effective_from: datetime.date = strawberry.field(description="First day it is in force.")
    effective_to: datetime.date | None = strawberry.field(description="Last day it is in force.")
    code_count: int = strawberry.field(description="Items in the release, headers included.")
    billable_count: int = strawberry.field(description="Billable codes in the release.")

    @classmethod
    def from_row(cls, r: ReleaseRow) -> Release:
        return cls(version=r.version, effective_from=r.effective_from,
                   effective_to=r.effective_to, code_count=r.code_count,
                   billable_count=r.billable_count)


@strawberry.type(description="A code system, described by its newest loaded release.")
class CodeSystem:
    id: CodeSystemId = strawberry.field(
        description="The identifier to pass as `system` to `code`, `codes` and `search`."
    )
    name: str = strawberry.field(description="The system's usual name (`ICD-10-CM`).")
    version: str = strawberry.field(description="The newest loaded release.")
    code_count: int = strawberry.field(description="Items in the newest release.")
    billable_count: int = strawberry.field(description="Billable codes in the newest release.")
    releases: list[Release] = strawberry.field(description="Every loaded release, newest first.")
    licence: str | None = strawberry.field(
        description="The licence a key needs to read this system's descriptions (`cpt` for "
        "CPT, the AMA's); null when they are open to everyone."
    )
    copyright: str | None = strawberry.field(
        description="The copyright notice of the licensed content (CPT: the AMA's line); null "
        "for public-domain systems."
    )


@strawberry.type
class SystemQueries:
    @strawberry.field(description="The code systems medcode serves, with their releases.")
    def code_systems(self, info: Info) -> list[CodeSystem]:
        by_system: dict[str, list[ReleaseRow]] = {}
        for r in info.context.releases:
            by_system.setdefault(r.system_id, []).append(r)
        return [
            CodeSystem(
                id=CodeSystemId(sid), name=SPECS[sid].short_name, version=rs[0].version,
                code_count=rs[0].code_count, billable_count=rs[0].billable_count,
                releases=[Release.from_row(r) for r in rs],
                licence=needed_for_text(sid),
                copyright=COPYRIGHT.get(needed_for_text(sid) or ""),
            )
            for sid, rs in sorted(by_system.items()) if sid in SPECS
        ]
