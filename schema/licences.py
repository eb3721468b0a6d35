"""The copyright notices of licensed content an answer shows (CPT: the AMA's), in the response's
``extensions.copyright``, keyed by licence."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

from domain.metering.licences import COPYRIGHT


class LicenceNotices(SchemaExtension):
    """Adds ``extensions.copyright`` when a resolver showed licensed text (``Context.notices``;
    the result cache restores them with a kept answer)."""

    def get_results(self) -> dict[str, Any]:
        notices = getattr(self.execution_context.context, "notices", None)
        if not notices:
            return {}
        return {"copyright": {licence: COPYRIGHT[licence] for licence in sorted(notices)}}
