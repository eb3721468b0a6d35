"""The NCCI edits on a code's page (``Code.ncci``): its PTP pairs, its MUE and, for an add-on
code, its type and primary codes, from the newest loaded quarter of each table.

A request's codes are answered together: one statement per table for every code asked
(DataLoaders, one set per request context).
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Connection
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from domain.ncci import (
    AddOnRow,
    MueRow,
    NcciKind,
    NcciQuarter,
    PtpRow,
    add_ons_of,
    loaded_quarters,
    mues_of,
    ptp_of,
    quarter_for,
)
from domain.ncci import NcciSetting as SettingValue

SYSTEMS_WITH_EDITS = frozenset({"HCPCS", "CPT"})
CONTRACTOR_DEFINED = "CCCCC"  # a type 2 add-on's "primary": the contractor defines them


@strawberry.enum(description="Whose claims an NCCI table edits.")
class NcciSetting(Enum):
    PRACTITIONER = strawberry.enum_value(
        "PRACTITIONER", description="Practitioner services (and ambulatory surgical centers).")
    OUTPATIENT = strawberry.enum_value(
        "OUTPATIENT", description="Hospital outpatient services (the outpatient hospital "
        "tables).")


SETTINGS = {NcciSetting.PRACTITIONER: SettingValue.PRACTITIONER,
            NcciSetting.OUTPATIENT: SettingValue.OUTPATIENT}


@strawberry.type(description="An NCCI procedure-to-procedure edit: the column-2 code is not paid "
                 "when billed with the column-1 code for one patient on one date of service.")
class PtpEdit:
    column1: str = strawberry.field(description="The column-1 code (the one paid).")
    column2: str = strawberry.field(description="The column-2 code (the one denied).")
    modifier_indicator: int = strawberry.field(
        description="0: no modifier bypasses the edit; 1: a PTP-associated modifier (59, XE, "
        "XS, XP, XU, anatomic, global surgery, 27, 91) bypasses it when the services were "
        "distinct; 9: not an edit (its deletion date is its effective date).")
    effective_from: datetime.date = strawberry.field(description="The edit's effective date.")
    deleted_on: datetime.date | None = strawberry.field(
        description="The last day the edit applies; null while it is in force.")
    rationale: str | None = strawberry.field(
        description="CMS's reason for the edit (`Mutually exclusive procedures`).")

    @classmethod
    def from_row(cls, r: PtpRow) -> PtpEdit:
        return cls(column1=r.column1, column2=r.column2, modifier_indicator=r.modifier_indicator,
                   effective_from=r.effective_from, deleted_on=r.deleted_on,
                   rationale=r.rationale)


@strawberry.type(description="A Medically Unlikely Edit: the most units of the code one patient "
                 "is expected to get on one date of service.")
class Mue:
    value: int = strawberry.field(description="The most units (0 is a legal value).")
    adjudication_indicator: int = strawberry.field(
        description="1: a claim line edit (each line's units); 2: a date of service edit based "
        "on policy (all lines of the date; a denial cannot be appealed); 3: a date of service "
        "edit based on clinical benchmarks (a denial can be appealed).")
    rationale: str | None = strawberry.field(description="CMS's reason for the value.")


@strawberry.type(description="An add-on code's NCCI edit: its type and the primary codes it may "
                 "be billed with.")
class AddOnEdit:
    type: int = strawberry.field(
        description="1: paid only with the listed primary codes; 2: CMS lists no primary codes "
        "(the contractor defines them); 3: CMS lists some primary codes, the contractor may "
        "allow others.")
    primary_codes: list[str] = strawberry.field(
        description="The primary codes in force (empty for type 2).")


@strawberry.type(description="The NCCI edits of a code, from the newest loaded quarter of each "
                 "table (PTP pairs and MUEs of the setting asked; add-on code edits are one "
                 "table).")
class NcciEdits:
    release: str = strawberry.field(
        description="The quarter of the tables used (`2026-Q3`): the PTP table's, else the "
        "MUE's, else the add-on table's.")
    mue: Mue | None = strawberry.field(description="The code's MUE; null when it has none "
                                       "published.")
    add_on: AddOnEdit | None = strawberry.field(
        description="For an add-on code, its type and primary codes; null for other codes.")
    _pairs: strawberry.Private[list[PtpRow]]

    @strawberry.field(description="The code's PTP edits, as column 1 and as column 2, ordered "
                      "by column 1 then column 2 (each date window of a pair is an edit).")
    def pairs(
        self,
        active_on: Annotated[datetime.date | None, strawberry.argument(
            description="Only the edits in force on that date (deletion date on or after "
            "it); all, deleted ones included, when omitted.")] = None,
    ) -> list[PtpEdit]:
        return [PtpEdit.from_row(r) for r in self._pairs
                if active_on is None or r.active_on(active_on)]


class NcciLoaders:
    """The NCCI loaders of one request: the loaded quarters (read once) and a loader per
    (table, code), each batch one statement."""

    def __init__(self, conn: Callable[[], Connection]) -> None:
        self._conn = conn
        self._quarters: list[NcciQuarter] | None = None
        self.ptp: dict[tuple[int, ...], DataLoader[str, list[PtpRow]]] = {}
        self.mue: dict[tuple[int, ...], DataLoader[str, MueRow | None]] = {}
        self.add_on: dict[tuple[int, ...], DataLoader[str, list[AddOnRow]]] = {}

    def quarters(self) -> list[NcciQuarter]:
        if self._quarters is None:
            self._quarters = loaded_quarters(self._conn())
        return self._quarters

    def ptp_loader(self, ids: tuple[int, ...]) -> DataLoader[str, list[PtpRow]]:
        if ids not in self.ptp:
            async def load(codes: Sequence[str]) -> list[list[PtpRow]]:
                found = ptp_of(self._conn(), ids, list(codes))
                return [found.get(c, []) for c in codes]
            self.ptp[ids] = DataLoader(load)
        return self.ptp[ids]

    def mue_loader(self, ids: tuple[int, ...]) -> DataLoader[str, MueRow | None]:
        if ids not in self.mue:
            async def load(codes: Sequence[str]) -> list[MueRow | None]:
                found = mues_of(self._conn(), ids, list(codes))
                return [found.get(c) for c in codes]
            self.mue[ids] = DataLoader(load)
        return self.mue[ids]

    def add_on_loader(self, ids: tuple[int, ...]) -> DataLoader[str, list[AddOnRow]]:
        if ids not in self.add_on:
            async def load(codes: Sequence[str]) -> list[list[AddOnRow]]:
                found = add_ons_of(self._conn(), ids, list(codes))
                return [found.get(c, []) for c in codes]
            self.add_on[ids] = DataLoader(load)
        return self.add_on[ids]


_LOADERS: weakref.WeakKeyDictionary[Any, NcciLoaders] = weakref.WeakKeyDictionary()


def ncci_loaders(context: Any) -> NcciLoaders:
    """The request's NCCI loaders (made on first use, gone with the context)."""
    loaders = _LOADERS.get(context)
    if loaders is None:
        loaders = _LOADERS[context] = NcciLoaders(context.conn)
    return loaders


def _add_on(rows: list[AddOnRow]) -> AddOnEdit | None:
    today = [r for r in rows if r.active_on(None)] or rows
    if not today:
        return None
    primaries = [r.primary_code for r in today
                 if r.primary_code != CONTRACTOR_DEFINED and r.primary_deleted_on is None]
    return AddOnEdit(type=min(r.edit_type for r in today),
                     primary_codes=list(dict.fromkeys(primaries)))


async def ncci_edits(info: Info, key: str, setting: NcciSetting) -> NcciEdits | None:
    """The edits of the code with this key; None when no NCCI table is loaded."""
    loaders = ncci_loaders(info.context)
    quarters = loaders.quarters()
    wanted = SETTINGS[setting]
    ptp = quarter_for(quarters, NcciKind.PTP, wanted)
    mue = quarter_for(quarters, NcciKind.MUE, wanted)
    aoc = quarter_for(quarters, NcciKind.AOC, SettingValue.ALL)
    named = ptp or mue or aoc
    if named is None:
        return None
    pairs = await loaders.ptp_loader(ptp.release_ids).load(key) if ptp else []
    mue_row = await loaders.mue_loader(mue.release_ids).load(key) if mue else None
    add_ons = await loaders.add_on_loader(aoc.release_ids).load(key) if aoc else []
    mue_value = (Mue(value=mue_row.value, adjudication_indicator=mue_row.adjudication_indicator,
                     rationale=mue_row.rationale)
                 if mue_row is not None and mue_row.value is not None else None)
    return NcciEdits(release=named.quarter, mue=mue_value, add_on=_add_on(add_ons),
                     _pairs=pairs)
