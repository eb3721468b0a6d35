"""``medcode seed ncci``: one CMS file into its table, streamed, in one transaction.

The records are read, checked and written in batches as the file streams by (constant memory:
a million-row PTP part never sits in memory whole). Everything is one transaction: a file that
fails half way (a malformed row on line 900,000) leaves nothing behind, and readers see the new
quarter, whole, when it commits. Rows go in by COPY on PostgreSQL and by large ``executemany``
batches on SQLite (:mod:`seed.bulk`); the release's rows are counted as they go.

Loading a file already loaded (same table, quarter and part) is a no-op; ``force`` replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlmodel import col

from domain.ncci import (
    NcciAddOn,
    NcciKind,
    NcciMue,
    NcciPtp,
    NcciRationale,
    NcciRelease,
    release_rows,
)
from seed.bulk import write_rows
from systems.ncci.errors import NcciFileError
from systems.ncci.files import FileKind, Opened, open_records
from systems.ncci.layouts import (
    AocRecord,
    MueRecord,
    PtpRecord,
    aoc_fixed_records,
    aoc_sheet_records,
    mue_records,
    ptp_records,
)

Progress = Callable[[str, int], None]
BATCH = 20_000
PTP_INSERT_COLUMNS = ("release_id", "column1", "column2", "pre_1996", "effective_from",
                      "deleted_on", "modifier_indicator", "rationale_id")
MUE_COLUMNS = ("release_id", "code", "value", "raw_value", "adjudication_indicator", "rationale")
AOC_COLUMNS = ("release_id", "edit_type", "add_on_code", "add_on_deleted_on", "primary_code",
               "primary_deleted_on", "effective_from", "deleted_on", "notes")


@dataclass(frozen=True, slots=True)
class NcciLoad:
    kind: FileKind
    file: str
    rows: int
    loaded: bool  # False: that file was already loaded (nothing done)

    @property
    def label(self) -> str:
        k = self.kind
        part = f" part {k.part}" if k.part else ""
        setting = "" if k.setting == "ALL" else f" {k.setting.lower()}"
        return f"NCCI {k.kind.value}{setting} {k.quarter}{part}"


def _batches(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


class _Rationales:
    """Rationale text to id, inserting the new ones (in the load's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.ids: dict[str, int] = {str(t): cast(int, i) for i, t in conn.execute(
            select(col(NcciRationale.id), col(NcciRationale.text)))}

    def __call__(self, text_: str) -> int | None:
        if not text_:
            return None
        found = self.ids.get(text_)
        if found is None:
            found = cast(int, self.conn.execute(
                insert(NcciRationale).values(text=text_).returning(col(NcciRationale.id))
            ).scalar_one())
            self.ids[text_] = found
        return found


def _write_ptp(conn: Connection, release_id: int, records: Iterator[PtpRecord],
               progress: Progress) -> int:
    rationale = _Rationales(conn)
    total = 0
    for batch in _batches(records):
        # Rationale ids first: no other statement may run while a COPY is open.
        ids = [rationale(r[6]) for r in batch]
        write_rows(conn, NcciPtp, PTP_INSERT_COLUMNS,
                   [(release_id, c1, c2, pre, eff, dele, ind, rid)
                    for (c1, c2, pre, eff, dele, ind, _), rid in zip(batch, ids, strict=True)])
        total += len(batch)
        progress("PTP edits", len(batch))
    return total


def _write_mue(conn: Connection, release_id: int, records: Iterator[MueRecord],
               progress: Progress) -> int:
    seen: set[str] = set()
    total = 0
    for batch in _batches(records):
        rows = []
        for code, value, raw_value, indicator, rationale in batch:
            if code in seen:
                raise NcciFileError(f"{code} has two MUE rows")
            seen.add(code)
            rows.append((release_id, code, value, raw_value, indicator,
                         rationale[:200] if rationale else None))
        write_rows(conn, NcciMue, MUE_COLUMNS, rows)
        total += len(rows)
        progress("MUEs", len(rows))
    return total


def _write_aoc(conn: Connection, release_id: int, records: Iterator[AocRecord],
               progress: Progress) -> int:
    total = 0
    for batch in _batches(records):
        rows = [(release_id, kind, add_on, add_on_del, primary, primary_del, eff, dele, notes)
                for kind, add_on, add_on_del, primary, primary_del, eff, dele, notes in batch]
        write_rows(conn, NcciAddOn, AOC_COLUMNS, rows)
        total += len(rows)
        progress("add-on code edits", len(rows))
    return total


def _delete(conn: Connection, release_id: int) -> None:
    for table in (NcciPtp, NcciMue, NcciAddOn):
        conn.execute(delete(table).where(col(table.release_id) == release_id))
    conn.execute(delete(NcciRelease).where(col(NcciRelease.id) == release_id))


def _write(conn: Connection, opened: Opened, release_id: int, progress: Progress) -> int:
    kind = opened.kind
    if kind.kind == NcciKind.PTP:
        return _write_ptp(conn, release_id, ptp_records(opened.records), progress)
    if kind.kind == NcciKind.MUE:
        return _write_mue(conn, release_id, mue_records(opened.records, kind.setting), progress)
    records = (aoc_sheet_records(opened.records) if opened.form == ".xlsx"
               else aoc_fixed_records(opened.records))
    return _write_aoc(conn, release_id, records, progress)


def load_file(engine: Engine, path: Path, *, force: bool = False,
              progress: Progress | None = None) -> NcciLoad:
    """Load one NCCI file (or the data file in CMS's zip). NcciFileError on anything it cannot
    read; nothing is written then."""
    advance: Progress = progress or (lambda _phase, _n: None)
    with open_records(path) as opened:
        kind = opened.kind
        with engine.begin() as conn:
            existing = release_rows(conn, kind.kind, kind.setting, kind.quarter, kind.part)
            if existing and not force:
                count = conn.execute(select(col(NcciRelease.row_count)).where(
                    col(NcciRelease.id) == existing[0])).scalar_one()
                return NcciLoad(kind, opened.name, count, loaded=False)
            for release_id in existing:
                _delete(conn, release_id)
            release_id = cast(int, conn.execute(insert(NcciRelease).values(
                kind=kind.kind.value, setting=kind.setting.value, quarter=kind.quarter,
                part=kind.part, effective_from=kind.effective_from, version=kind.version,
                source=str(path)[:500], loaded_at=datetime.now(UTC),
                row_count=0).returning(col(NcciRelease.id))).scalar_one())
            rows = _write(conn, opened, release_id, advance)
            if rows == 0:
                raise NcciFileError("the file holds no edits")
            conn.execute(update(NcciRelease).where(col(NcciRelease.id) == release_id)
                         .values(row_count=rows))
    if engine.dialect.name == "postgresql":  # fresh statistics for the planner
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE ncci_ptp, ncci_mue, ncci_add_on"))
    return NcciLoad(kind, opened.name, rows, loaded=True)
