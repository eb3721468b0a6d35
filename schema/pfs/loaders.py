"""Per-request reading of the PFS: every row of a batch of codes in one statement.

A ``codes`` list of 500 HCPCS or CPT codes asking for ``fee`` reads every modifier row of
every code, in the PFS release in force, in one statement (one per distinct day, when codes of
several code releases are asked together). The loader hangs from the request's context, made on
first use, so the context needs nothing but its connection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection
from strawberry.dataloader import DataLoader

from domain.fee_schedule import PfsRateRow, PfsReleaseRow, rates_in_force

ATTRIBUTE = "_pfs_loaders"
Rates = tuple[PfsReleaseRow | None, list[PfsRateRow]]


class FeeLoaders:
    def __init__(self, conn: Callable[[], Connection]) -> None:
        self._conn = conn
        # (day or None for the newest, code) -> the PFS release in force and the code's rows in
        # it, the one without modifier first; (None, []) when it has none
        self.rates = DataLoader(self._rates)

    async def _rates(self, keys: Sequence[tuple[date | None, str]]) -> list[Rates]:
        by_day: dict[date | None, set[str]] = defaultdict(set)
        for day, code in keys:
            by_day[day].add(code)
        found: dict[tuple[date | None, str], Rates] = {}
        for day, codes in by_day.items():
            for release, row in rates_in_force(self._conn(), day, sorted(codes)):
                found.setdefault((day, row.code), (release, []))[1].append(row)
        for _, rows in found.values():
            rows.sort(key=lambda r: r.modifier)
        return [found.get(k, (None, [])) for k in keys]


def fee_loaders(context: Any) -> FeeLoaders:
    """The request's PFS loaders (``context`` has ``conn()``: ``schema.context.Context``)."""
    loaders: FeeLoaders | None = getattr(context, ATTRIBUTE, None)
    if loaders is None:
        loaders = FeeLoaders(context.conn)
        setattr(context, ATTRIBUTE, loaders)
    return loaders
