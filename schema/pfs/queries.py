"""``feeSchedule``: the Medicare fee schedule's facts of an HCPCS or CPT code by its number,
whether or not the code's system is loaded (CPT is the operator's own file; without it, a
caller still gets 96425's fee facts, which are CMS's and public)."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema.pfs.types import FeeSchedule, fee_on


@strawberry.type
class FeeQueries:
    @strawberry.field(description="The Medicare Physician Fee Schedule's facts of an HCPCS or "
                      "CPT code (`96425`, `G0008`), from the loaded PFS release in force on "
                      "`asOf` (default: the newest); null when the code has no row there. "
                      "Public: no key or licence needed. Costs one code view (given back when "
                      "null). `Code.fee` gives the same on a code page.")
    async def fee_schedule(
        self, info: Info,
        code: Annotated[str, strawberry.argument(
            description="The HCPCS or CPT code, as printed (`96425`).")],
        modifier: Annotated[str | None, strawberry.argument(
            description="`26`, `TC` or `53` for that component's row; the global service when "
            "omitted.")] = None,
        as_of: Annotated[datetime.date | None, strawberry.argument(
            description="The date of service whose PFS release answers.")] = None,
    ) -> FeeSchedule | None:
        return await fee_on(info, as_of, code, modifier)
