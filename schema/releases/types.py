"""Changes between releases."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema.codes.types import Code
from schema.errors import licence_required


def _licensed(info: Info, release_id: int, text: str) -> str:
    needed = info.context.text_gate(release_id)
    if needed is not None:
        raise licence_required(needed)
    return text


@strawberry.type(description="A billable code whose title changed between two releases.")
class Revision:
    code: str = strawberry.field(description="The code whose title changed (`E11.9`).")
    _before: strawberry.Private[str]
    _after: strawberry.Private[str]
    _release_id: strawberry.Private[int]

    @strawberry.field(description="The title in the older release (CPT: licensed content, "
                      "null with LICENSE_REQUIRED without the `cpt` licence).")
    def before(self, info: Info) -> str | None:
        return _licensed(info, self._release_id, self._before)

    @strawberry.field(description="The title in the newer release (CPT: licensed content, "
                      "null with LICENSE_REQUIRED without the `cpt` licence).")
    def after(self, info: Info) -> str | None:
        return _licensed(info, self._release_id, self._after)


@strawberry.type(description="What changed between two releases, as CMS counts it in the "
                 "addenda: added and deleted billable codes, and retitled ones.")
class ReleaseChanges:
    from_: str = strawberry.field(name="from", description="The older release's version.")
    to: str = strawberry.field(description="The newer release's version.")
    added: list[Code] = strawberry.field(description="Billable in `to` and not billable in "
                                         "`from`: new, or a former header now billable.")
    deleted: list[Code] = strawberry.field(description="Billable in `from` and not in `to`: "
                                           "gone, or expanded into new children (as E72.53).")
    revised: list[Revision] = strawberry.field(description="Billable in both, with a changed "
                                               "title.")
    added_count: int = strawberry.field(description="How many codes `added` holds.")
    deleted_count: int = strawberry.field(description="How many codes `deleted` holds.")
    revised_count: int = strawberry.field(description="How many entries `revised` holds.")
