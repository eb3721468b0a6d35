"""Reading CMS's PFS relative value file (``PPRRVU<year>_<Mon>*.csv``) into rows to store.

The comma-separated file opens with five preamble lines (its title, which names the year and
the quarter, two copyright lines, a blank line and ``RELEASED mm/dd/yyyy``) and five header
lines; one record per code and modifier follows. The header must be exactly the one of the
layout (``systems.pfs.layout.HEADER``). Every value is checked; the first bad line stops the
read with one line naming it, so that a broken file loads nothing.

The description column is skipped: for CPT codes it is the AMA's text, which medcode never
stores.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.spec import ImportFileError
from systems.pfs import layout as L

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
TITLE = re.compile(r"^(\d{4}) National Physician Fee Schedule Relative Value File "
                   rf"({'|'.join(MONTHS)}) Release\b", re.IGNORECASE)
RELEASED = re.compile(r"^RELEASED (\d{2}/\d{2}/\d{4})$")
FILE_NAME = re.compile(r"^PPRRVU(\d{4})_([A-Za-z]{3})", re.IGNORECASE)

RVU = re.compile(r"^\d{1,4}\.\d{2}$")
SHARE = re.compile(r"^[01]\.\d{2}$")
FACTOR = re.compile(r"^\d{1,3}\.\d{4}$")


@dataclass(slots=True)
class ParsedPfs:
    """A PFS release read from its file: ``rows`` are ``pfs_rate`` rows without a release."""

    version: str  # "2025-10": the year and month of the release, as its title names them
    effective_from: date
    released_on: date | None
    title: str
    source: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def version_of(year: int, month: int) -> str:
    """A release's name: its year and the month it takes effect (``2025-10``, RVU25D)."""
    return f"{year:04d}-{month:02d}"


class _Line:
    """One record's cells, read with the line number for the error message."""

    def __init__(self, source: str, number: int, cells: list[str]) -> None:
        self.source, self.number, self.cells = source, number, cells

    def fail(self, problem: str) -> ImportFileError:
        return ImportFileError(f"{self.source}: line {self.number}: {problem}")

    def text(self, index: int, pattern: str, what: str) -> str:
        value = self.cells[index].strip()
        if re.fullmatch(pattern, value) is None:
            raise self.fail(f"{what} {value!r} is not valid")
        return value

    def decimal(self, index: int, pattern: re.Pattern[str], what: str) -> Decimal:
        value = self.cells[index].strip()
        if pattern.fullmatch(value) is None:
            raise self.fail(f"{what} {value!r} is not a number of the layout's form")
        return Decimal(value)

    def optional(self, index: int, pattern: str, what: str) -> str | None:
        return self.text(index, f"(?:{pattern})?", what) or None


def _record(line: _Line) -> dict[str, Any]:
    if len(line.cells) != L.COLUMNS:
        raise line.fail(f"{len(line.cells)} columns where the layout has {L.COLUMNS}")
    rvu: Callable[[int, str], Decimal] = lambda i, what: line.decimal(i, RVU, what)  # noqa: E731
    row: dict[str, Any] = {
        "code": line.text(L.AT_HCPCS, r"[0-9A-Z]{5}", "HCPCS code"),
        "modifier": line.text(L.AT_MODIFIER, r"(?:[0-9A-Z]{2})?", "modifier"),
        "status": line.text(L.AT_STATUS, r"[A-Z]", "status code"),
        "not_used_for_payment": line.text(L.AT_NOT_USED, r"\+?", "not-used-for-payment flag")
        == "+",
        "work_rvu": rvu(L.AT_WORK_RVU, "work RVU"),
        "non_facility_pe_rvu": rvu(L.AT_NF_PE_RVU, "non-facility PE RVU"),
        "non_facility_na": line.text(L.AT_NF_NA, r"(?:NA)?", "non-facility NA indicator") == "NA",
        "facility_pe_rvu": rvu(L.AT_F_PE_RVU, "facility PE RVU"),
        "facility_na": line.text(L.AT_F_NA, r"(?:NA)?", "facility NA indicator") == "NA",
        "malpractice_rvu": rvu(L.AT_MP_RVU, "malpractice RVU"),
        "non_facility_total": rvu(L.AT_NF_TOTAL, "non-facility total"),
        "facility_total": rvu(L.AT_F_TOTAL, "facility total"),
        "pctc": line.text(L.AT_PCTC, r"[0-9]", "PC/TC indicator"),
        "global_days": line.text(L.AT_GLOBAL_DAYS, r"[0-9]{3}|[A-Z]{3}", "global days"),
        "pre_operative": line.decimal(L.AT_PRE_OP, SHARE, "preoperative percentage"),
        "intra_operative": line.decimal(L.AT_INTRA_OP, SHARE, "intraoperative percentage"),
        "post_operative": line.decimal(L.AT_POST_OP, SHARE, "postoperative percentage"),
        "multiple_procedure": line.text(L.AT_MULT_PROC, r"[0-9]", "multiple procedure indicator"),
        "bilateral": line.text(L.AT_BILATERAL, r"[0-9]", "bilateral surgery indicator"),
        "assistant": line.text(L.AT_ASSISTANT, r"[0-9]", "assistant at surgery indicator"),
        "co_surgeons": line.text(L.AT_CO_SURGEONS, r"[0-9]", "co-surgeons indicator"),
        "team_surgery": line.text(L.AT_TEAM_SURGERY, r"[0-9]", "team surgery indicator"),
        "endoscopic_base": line.optional(L.AT_ENDO_BASE, r"[0-9A-Z]{5}", "endoscopic base code"),
        "conversion_factor": line.decimal(L.AT_CONV_FACTOR, FACTOR, "conversion factor"),
        "supervision": line.optional(L.AT_SUPERVISION, r"[0-9A-Z]{2}",
                                     "physician supervision indicator"),
        "calculation_flag": line.optional(L.AT_CALCULATION_FLAG, r"[0-9]", "calculation flag"),
        "imaging_family": line.optional(L.AT_IMAGING_FAMILY, r"[0-9]{2}",
                                        "diagnostic imaging family indicator"),
        "opps_non_facility_pe_rvu": rvu(L.AT_OPPS_NF_PE, "non-facility PE used for OPPS"),
        "opps_facility_pe_rvu": rvu(L.AT_OPPS_F_PE, "facility PE used for OPPS"),
        "opps_malpractice_rvu": rvu(L.AT_OPPS_MP, "MP used for OPPS"),
    }
    for setting, pe, total in (("non-facility", "non_facility_pe_rvu", "non_facility_total"),
                               ("facility", "facility_pe_rvu", "facility_total")):
        parts = row["work_rvu"] + row[pe] + row["malpractice_rvu"]
        if parts != row[total]:
            raise line.fail(f"the {setting} total {row[total]} is not work + PE + MP ({parts})")
    return row


def _preamble(source: str, lines: list[list[str]], path: Path) -> tuple[str, int, int, date | None]:
    """The title, year, month and release date the preamble states."""
    def text_of(cells: list[str]) -> str:
        return " ".join(c.strip() for c in cells if c.strip())

    title = text_of(lines[0]).removeprefix("\u00ef\u00bb\u00bf").strip()  # a UTF-8 BOM
    if not title.isprintable():
        raise ImportFileError(f"{source}: not a comma-separated text file: load the "
                              "PPRRVU<year>_<Mon>.csv file of CMS's RVU zip")
    match = TITLE.match(title)
    if match is None:
        raise ImportFileError(
            f"{source}: line 1 is {title[:80]!r}, not the title of a PFS relative value file "
            "(`<year> National Physician Fee Schedule Relative Value File <Month> Release`)")
    year = int(match.group(1))
    month = next(i for i, m in enumerate(MONTHS, 1) if m.lower() == match.group(2).lower())
    named = FILE_NAME.match(path.name)
    if named is not None:
        by_name = (int(named.group(1)), named.group(2).lower())
        if by_name != (year, MONTHS[month - 1][:3].lower()):
            raise ImportFileError(
                f"{source}: the file is named for {named.group(1)} {named.group(2)} but its "
                f"title says {title!r}: rename it or take the right file")
    released: date | None = None
    for cells in lines[1:]:
        stated = RELEASED.match(text_of(cells))
        if stated is not None:
            released = datetime.strptime(stated.group(1), "%m/%d/%Y").date()
    return title, year, month, released


def _difference(found: list[str], expected: tuple[str, ...]) -> str:
    if len(found) != len(expected):
        return f"{len(found)} columns where the layout has {len(expected)}"
    column = next(i for i, (f, e) in enumerate(zip(found, expected, strict=True)) if f != e)
    return f"column {column + 1} reads {found[column]!r} where the layout has {expected[column]!r}"


def _rows(path: Path) -> Iterator[list[str]]:
    # Latin-1 reads any byte: only the description column (never kept) may hold other text.
    with path.open(newline="", encoding="latin-1") as handle:
        yield from csv.reader(handle)


def read_pfs(path: Path, progress: Callable[[int], None] | None = None) -> ParsedPfs:
    """Read and check a whole PFS relative value file; raises ImportFileError (one line, the
    line number and the problem) for anything that is not the layout."""
    source = path.name
    tick = progress or (lambda _n: None)
    try:
        rows = _rows(path)
        head = [next(rows, None) for _ in range(L.PREAMBLE_LINES + len(L.HEADER))]
        if any(h is None for h in head):
            raise ImportFileError(f"{source}: the file ends before its header: not a PFS "
                                  "relative value file")
        lines = [h for h in head if h is not None]
        title, year, month, released = _preamble(source, lines[:L.PREAMBLE_LINES], path)
        for offset, (found, expected) in enumerate(
                zip(lines[L.PREAMBLE_LINES:], L.HEADER, strict=True)):
            if tuple(found) != expected:
                raise ImportFileError(
                    f"{source}: line {L.PREAMBLE_LINES + offset + 1}: the header is not the one "
                    f"of the PFS layout medcode reads ({_difference(found, expected)}): CMS "
                    "changed the layout, or this is another file")
        parsed = ParsedPfs(version_of(year, month), date(year, month, 1), released, title,
                           str(path))
        seen: dict[tuple[str, str], int] = {}
        first = L.PREAMBLE_LINES + len(L.HEADER) + 1
        for number, cells in enumerate(rows, first):
            if not any(c.strip() for c in cells):
                continue  # a blank line (the end of the file)
            line = _Line(source, number, cells)
            row = _record(line)
            key = (row["code"], row["modifier"])
            if key in seen:
                raise line.fail(f"{key[0]} {key[1] or '(no modifier)'} is already on line "
                                f"{seen[key]}")
            seen[key] = number
            parsed.rows.append(row)
            if len(parsed.rows) % 1000 == 0:
                tick(1000)
        tick(len(parsed.rows) % 1000)
    except csv.Error as exc:
        raise ImportFileError(f"{source}: not a comma-separated file ({exc})") from None
    except OSError as exc:
        raise ImportFileError(f"{source}: cannot be read ({exc.strerror})") from None
    if not parsed.rows:
        raise ImportFileError(f"{source}: the file has a header but no records")
    return parsed
