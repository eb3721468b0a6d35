"""Medicare NCCI edits: procedure-to-procedure (PTP) pairs, Medically Unlikely Edits (MUEs) and
add-on code (AOC) edits, each CMS file a release of its table, named by its quarter (``2026-Q3``).

A quarter's PTP edits come in four part files (f1-f4, split by column-1 range): each part is an
``ncci_release`` row of its own (``part`` ``f1``...), and the quarter's release is the set of
them. Quarters live side by side; the edit in force on a date of service is found by the edit's
own effective and deletion dates within the quarter in force on that date (the newest quarter
whose first day is on or before it). A deletion date is the last day the edit applies.

The PTP table is the big one (1.8 million practitioner rows a quarter): its rationale, a few
dozen distinct sentences, is stored once in ``ncci_rationale`` and named by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar, cast

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TextClause,
    TextualSelect,
    UniqueConstraint,
    and_,
    or_,
    select,
    text,
)
from sqlmodel import Field, SQLModel, col

from domain.list_params import with_lists
from domain.lru import BoundedLRU

T = TypeVar("T")


class NcciKind(StrEnum):
    PTP = "PTP"
    MUE = "MUE"
    AOC = "AOC"


class NcciSetting(StrEnum):
    """Whose claims a table edits: practitioner (and ASC), hospital outpatient, DME supplier.
    Add-on code edits are one table for every setting (``ALL``)."""

    PRACTITIONER = "PRACTITIONER"
    OUTPATIENT = "OUTPATIENT"
    DME = "DME"
    ALL = "ALL"


class NcciRelease(SQLModel, table=True):
    """One loaded NCCI file: its table (kind and setting), quarter and part."""

    __tablename__ = "ncci_release"
    __table_args__ = (UniqueConstraint("kind", "setting", "quarter", "part"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8)
    setting: str = Field(max_length=16)
    quarter: str = Field(max_length=8)  # 2026-Q3
    part: str = Field(default="", max_length=8)  # f1..f4 for PTP parts, else ""
    effective_from: date  # the quarter's first day
    version: str = Field(default="", max_length=16)  # CMS's own (v322r0), when the name has it
    source: str = Field(max_length=500)
    loaded_at: datetime
    row_count: int = 0


class NcciRationale(SQLModel, table=True):
    """A PTP edit rationale, stored once."""

    __tablename__ = "ncci_rationale"
    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False, unique=True))


class NcciPtp(SQLModel, table=True):
    """A procedure-to-procedure edit: ``column2`` is not paid with ``column1`` on one date."""

    __tablename__ = "ncci_ptp"
    __table_args__ = (
        Index("ix_ncci_ptp_pair", "release_id", "column1", "column2"),
        Index("ix_ncci_ptp_column2", "release_id", "column2"),
    )
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="ncci_release.id")
    column1: str = Field(max_length=8)
    column2: str = Field(max_length=8)
    pre_1996: bool = False
    effective_from: date
    deleted_on: date | None = None
    modifier_indicator: int = Field(sa_column=Column(SmallInteger, nullable=False))
    rationale_id: int | None = Field(default=None, foreign_key="ncci_rationale.id")


class NcciMue(SQLModel, table=True):
    """A Medically Unlikely Edit: the most units of a code for one patient on one day."""

    __tablename__ = "ncci_mue"
    release_id: int = Field(foreign_key="ncci_release.id", primary_key=True)
    code: str = Field(max_length=8, primary_key=True)
    value: int | None = None  # null when the file's value is not a number
    raw_value: str = Field(max_length=16)
    adjudication_indicator: int = Field(sa_column=Column(SmallInteger, nullable=False))
    rationale: str | None = Field(default=None, max_length=200)


class NcciAddOn(SQLModel, table=True):
    """An add-on code edit: the add-on code and one of its primary codes (``CCCCC``: the
    contractor defines them, type 2)."""

    __tablename__ = "ncci_add_on"
    __table_args__ = (Index("ix_ncci_add_on_code", "release_id", "add_on_code"),)
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="ncci_release.id")
    edit_type: int = Field(sa_column=Column(SmallInteger, nullable=False))
    add_on_code: str = Field(max_length=8)
    add_on_deleted_on: date | None = None
    primary_code: str = Field(max_length=8)
    primary_deleted_on: date | None = None
    effective_from: date | None = None
    deleted_on: date | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NcciQuarter:
    """The files of one table and quarter (the PTP parts f1-f4 together)."""

    kind: str
    setting: str
    quarter: str
    effective_from: date
    release_ids: tuple[int, ...]
    # When each file was loaded: with the ids, what names the quarter's content (a reloaded file
    # may get a deleted file's id back).
    loaded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PtpRow:
    column1: str
    column2: str
    modifier_indicator: int
    effective_from: date
    deleted_on: date | None
    rationale: str | None

    def active_on(self, day: date | None) -> bool:
        if day is None:
            return self.deleted_on is None
        return self.effective_from <= day and (self.deleted_on is None or day <= self.deleted_on)


@dataclass(frozen=True, slots=True)
class MueRow:
    code: str
    value: int | None
    adjudication_indicator: int
    rationale: str | None


@dataclass(frozen=True, slots=True)
class AddOnRow:
    edit_type: int
    add_on_code: str
    primary_code: str
    add_on_deleted_on: date | None
    primary_deleted_on: date | None
    effective_from: date | None
    deleted_on: date | None

    def active_on(self, day: date | None) -> bool:
        def before(end: date | None) -> bool:
            return end is None or (day is not None and day <= end)

        if day is None:
            return self.deleted_on is None and self.add_on_deleted_on is None
        started = self.effective_from is None or self.effective_from <= day
        return started and before(self.deleted_on) and before(self.add_on_deleted_on)


# The statements of a request (quarters, a claim's pairs, a page's edits) are typed text, built
# once per dialect: a select() costs more to build and to match to its cached compilation than
# these small lookups take to run (a claim makes several).
_STATEMENTS: dict[tuple[str, str], TextClause | TextualSelect] = {}
_DATE_COLUMNS = {"effective_from": Date, "deleted_on": Date, "add_on_deleted_on": Date,
                 "primary_deleted_on": Date}


def _statement(conn: Connection, sql: str,
               lists: Sequence[str]) -> TextClause | TextualSelect:
    """``sql`` with each ``{name}`` in ``lists`` a list parameter, one bound value whatever its
    length (:mod:`domain.list_params`: on SQLite twice as fast as ``IN (?, ?...)`` for a
    claim's PTP pairs)."""
    dialect = conn.dialect.name
    found = _STATEMENTS.get((sql, dialect))
    if found is None:
        clause = with_lists(sql, {n: Integer if n.startswith("rels") else String for n in lists},
                            dialect)
        columns = {k: v for k, v in _DATE_COLUMNS.items() if k in clause.text}
        found = clause.columns(**columns) if columns else clause
        _STATEMENTS[(sql, dialect)] = found
    return found


QUARTERS_STATEMENT = text(
    "SELECT id, CAST(loaded_at AS VARCHAR(40)) AS loaded, kind, setting, quarter, effective_from "
    "FROM ncci_release ORDER BY kind, setting, effective_from DESC, id"
).columns(id=Integer, loaded=String, kind=String, setting=String, quarter=String,
          effective_from=Date)


def loaded_quarters(conn: Connection) -> list[NcciQuarter]:
    """Every loaded NCCI quarter, newest first within each table."""
    rows = conn.execute(QUARTERS_STATEMENT)
    grouped: dict[tuple[str, str, str], list[int]] = {}
    starts: dict[tuple[str, str, str], date] = {}
    loads: dict[tuple[str, str, str], list[str]] = {}
    for rid, loaded, kind, setting, quarter, start in rows:
        grouped.setdefault((kind, setting, quarter), []).append(int(rid))
        loads.setdefault((kind, setting, quarter), []).append(str(loaded))
        starts[(kind, setting, quarter)] = start
    return [NcciQuarter(k, s, q, starts[(k, s, q)], tuple(ids), tuple(loads[(k, s, q)]))
            for (k, s, q), ids in grouped.items()]


def quarter_for(quarters: Sequence[NcciQuarter], kind: NcciKind, setting: NcciSetting,
                day: date | None = None) -> NcciQuarter | None:
    """The quarter of a table in force on ``day`` (the newest whose first day is not after it),
    or the newest without a date."""
    for q in quarters:
        if q.kind == kind and q.setting == setting and (day is None or q.effective_from <= day):
            return q
    return None


PTP_SELECT = ("SELECT p.column1, p.column2, p.modifier_indicator, p.effective_from, "
              "p.deleted_on, r.text FROM ncci_ptp p "
              "LEFT OUTER JOIN ncci_rationale r ON r.id = p.rationale_id ")
PTP_BETWEEN = PTP_SELECT + "WHERE p.release_id {rels} AND p.column1 {c1} AND p.column2 {c2}"
PTP_OF = (PTP_SELECT + "WHERE p.release_id {rels} AND p.column1 {c1} UNION ALL "
          + PTP_SELECT + "WHERE p.release_id {rels2} AND p.column2 {c2} "
          "AND p.column1 <> p.column2")
MUE_OF = ("SELECT code, value, adjudication_indicator, rationale FROM ncci_mue "
          "WHERE release_id {rels} AND code {codes}")
ADD_ONS_OF = ("SELECT edit_type, add_on_code, primary_code, add_on_deleted_on, "
              "primary_deleted_on, effective_from, deleted_on FROM ncci_add_on "
              "WHERE release_id {rels} AND add_on_code {codes} ORDER BY id")


def ptp_between(conn: Connection, release_ids: Sequence[int],
                codes: Sequence[str]) -> list[PtpRow]:
    """The PTP edits whose two codes are both among ``codes``: one statement for a claim."""
    if not codes or not release_ids:
        return []
    stmt = _statement(conn, PTP_BETWEEN, ("rels", "c1", "c2"))
    rows = conn.execute(stmt, {"rels": list(release_ids), "c1": list(codes),
                               "c2": list(codes)})
    return [PtpRow(*r) for r in rows]


def ptp_of(conn: Connection, release_ids: Sequence[int],
           codes: Sequence[str]) -> dict[str, list[PtpRow]]:
    """Each code's PTP edits, as column 1 and as column 2 (one statement for all the codes), in
    column order."""
    out: dict[str, list[PtpRow]] = {c: [] for c in codes}
    if not codes or not release_ids:
        return out
    stmt = _statement(conn, PTP_OF, ("rels", "c1", "rels2", "c2"))
    rows = [PtpRow(*r) for r in conn.execute(stmt, {
        "rels": list(release_ids), "rels2": list(release_ids), "c1": list(codes),
        "c2": list(codes)})]
    rows.sort(key=lambda r: (r.column1, r.column2, r.effective_from))
    for row in rows:
        for code in {row.column1, row.column2}:
            if code in out:
                out[code].append(row)
    return out


def mues_of(conn: Connection, release_ids: Sequence[int],
            codes: Sequence[str]) -> dict[str, MueRow]:
    if not codes or not release_ids:
        return {}
    stmt = _statement(conn, MUE_OF, ("rels", "codes"))
    rows = conn.execute(stmt, {"rels": list(release_ids), "codes": list(codes)})
    return {r[0]: MueRow(*r) for r in rows}


def add_ons_of(conn: Connection, release_ids: Sequence[int],
               codes: Sequence[str]) -> dict[str, list[AddOnRow]]:
    """The add-on edits of those codes that are add-on codes, primaries in file order."""
    if not codes or not release_ids:
        return {}
    stmt = _statement(conn, ADD_ONS_OF, ("rels", "codes"))
    out: dict[str, list[AddOnRow]] = {}
    for r in conn.execute(stmt, {"rels": list(release_ids), "codes": list(codes)}):
        out.setdefault(r[1], []).append(AddOnRow(*r))
    return out


# --- edits kept across requests ---------------------------------------------------------------

# A claim's MUEs and add-on edits, by code: kept per process (bounded, shared by threads, the
# rows frozen) under the quarter's files and their load times; a code without an edit is kept
# too (as an empty tuple), as most codes of a claim are not add-on codes.
KEPT_EDITS = 20_000
_QuarterKey = tuple[str, tuple[int, ...], tuple[str, ...]]
_kept_mues: BoundedLRU[tuple[_QuarterKey, str], tuple[MueRow, ...]] = BoundedLRU(KEPT_EDITS)
_kept_add_ons: BoundedLRU[tuple[_QuarterKey, str], tuple[AddOnRow, ...]] = BoundedLRU(KEPT_EDITS)


def _kept(conn: Connection, quarter: NcciQuarter, codes: Sequence[str],
          cache: BoundedLRU[tuple[_QuarterKey, str], tuple[T, ...]],
          read: Callable[[Connection, Sequence[int], Sequence[str]], dict[str, list[T]]]
          ) -> dict[str, tuple[T, ...]]:
    """Each code's rows, from ``cache`` or (one statement for those not kept) from ``read``."""
    q: _QuarterKey = (conn.engine.url.render_as_string(), quarter.release_ids, quarter.loaded)
    out, unread = cache.kept(q, codes)
    if unread:
        rows = read(conn, quarter.release_ids, unread)
        for code in unread:
            found = out[code] = tuple(rows.get(code, ()))
            if quarter.loaded:
                cache.put((q, code), found)
    return out


def kept_mues(conn: Connection, quarter: NcciQuarter, codes: Sequence[str]) -> dict[str, MueRow]:
    """:func:`mues_of` the quarter, kept."""
    found = _kept(conn, quarter, codes, _kept_mues,
                  lambda c, ids, keys: {k: [r] for k, r in mues_of(c, ids, keys).items()})
    return {code: rows[0] for code, rows in found.items() if rows}


def kept_add_ons(conn: Connection, quarter: NcciQuarter, codes: Sequence[str]
                 ) -> dict[str, tuple[AddOnRow, ...]]:
    """:func:`add_ons_of` the quarter, kept (a code with no edit is left out)."""
    found = _kept(conn, quarter, codes, _kept_add_ons, add_ons_of)
    return {code: rows for code, rows in found.items() if rows}


def forget_kept_edits() -> None:
    _kept_mues.clear()
    _kept_add_ons.clear()


def release_rows(conn: Connection, kind: str, setting: str, quarter: str,
                 part: str) -> list[int]:
    """The ids of the loaded file of this table, quarter and part (zero or one)."""
    stmt = select(col(NcciRelease.id)).where(and_(
        col(NcciRelease.kind) == kind, col(NcciRelease.setting) == setting,
        col(NcciRelease.quarter) == quarter, col(NcciRelease.part) == part))
    return [cast(int, r[0]) for r in conn.execute(stmt)]


def any_loaded(conn: Connection, kinds: Iterable[str]) -> bool:
    stmt = select(col(NcciRelease.id)).where(or_(*(col(NcciRelease.kind) == k
                                                   for k in kinds))).limit(1)
    return conn.execute(stmt).first() is not None
