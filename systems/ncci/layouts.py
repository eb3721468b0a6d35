"""The official layouts of the NCCI files, read exactly: each reader checks the preamble and the
header by their content and stops at the first thing it does not recognise (a renamed column, a
new preamble line, a malformed row) with one line saying where and what.

- PTP ``.TXT`` (and its ``.xlsx``, a row per text line): six preamble lines, the column names
  split over lines 3-6; then ``column 1, column 2, * (in existence before 1996) or empty,
  effective YYYYMMDD, deletion YYYYMMDD or *, modifier indicator 0/1/9, rationale``.
- MUE ``.csv``/``.xlsx``: the AMA notice (one quoted cell), then the header ``HCPCS/CPT Code``,
  ``<Setting> Services MUE Values``, ``MUE Adjudication Indicator``, ``MUE Rationale``; the
  indicator cell is its digit and label (``2 Date of Service Edit: Policy``).
- AOC fixed width (type 1, add-on 2-6, add-on deletion 7-13, primary 14-18, primary deletion
  19-25, edit effective 26-32, edit deletion 33-39, notes 40-97; Julian ``YYYYDDD`` dates, blank
  when none) with or without a header line, and the ``.xlsx`` with its named columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from domain.ncci import NcciSetting
from systems.ncci.errors import NcciFileError

CODE = re.compile(r"[0-9A-Z]{5}")
PtpRecord = tuple[str, str, bool, date, date | None, int, str]
MueRecord = tuple[str, int | None, str, int, str | None]
AocRecord = tuple[int, str, date | None, str, date | None, date | None, date | None, str | None]


def _trimmed(cells: list[str]) -> list[str]:
    out = [c.strip() for c in cells]
    while out and not out[-1]:
        out.pop()
    return out


# --- PTP ---------------------------------------------------------------------------------------

PTP_PREAMBLE: tuple[tuple[str, ...], ...] = (
    ("Column1/Column2 Edits",),
    ("Column 1", "Column 2", "*=in existence", "Effective", "Deletion", "Modifier",
     "PTP Edit Rationale"),
    ("", "", "prior to 1996", "Date", "Date", "0=not allowed"),
    ("", "", "", "", "*=no data", "1=allowed"),
    ("", "", "", "", "", "9=not applicable"),
)
INDICATORS = {"0": 0, "1": 1, "9": 9}


class _Dates:
    """``YYYYMMDD`` text to dates, remembered (a PTP file has a few hundred distinct ones)."""

    def __init__(self) -> None:
        self.seen: dict[str, date] = {}

    def __call__(self, text: str) -> date:
        found = self.seen.get(text)
        if found is None:
            if len(text) != 8 or not text.isdigit():
                raise ValueError(text)
            found = self.seen[text] = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return found


def ptp_records(records: Iterator[list[str]]) -> Iterator[PtpRecord]:
    """A PTP file's edits, in file order, after its six preamble lines are checked."""
    first = _trimmed(next(records, []))
    if not first or not first[0].startswith("CPT only copyright") or len(first) > 1:
        raise NcciFileError("not a PTP edit file: line 1 should be the AMA notice "
                            "(\"CPT only copyright ...\")", 1)
    for number, expected in enumerate(PTP_PREAMBLE, start=2):
        got = tuple(_trimmed(next(records, [])))
        if got != expected:
            raise NcciFileError(f"unknown PTP layout: line {number} is {list(got)!r}, expected "
                                f"{list(expected)!r}", number)
    to_date = _Dates()
    number = len(PTP_PREAMBLE) + 1
    for cells in records:
        number += 1
        if len(cells) < 7 or any(cells[7:]):
            if not any(c.strip() for c in cells):
                continue  # a blank line at the end
            raise NcciFileError(f"expected 7 TAB-separated fields, found {len(cells)}", number)
        c1, c2, flag, eff, dele, ind, why = cells[:7]
        c1, c2 = c1.strip(), c2.strip()
        if not CODE.fullmatch(c1) or not CODE.fullmatch(c2):
            raise NcciFileError(f"not a pair of HCPCS/CPT codes: {c1!r}, {c2!r}", number)
        flag = flag.strip()
        if flag not in ("", "*"):
            raise NcciFileError(f"the pre-1996 flag is {flag!r}, expected * or nothing", number)
        indicator = INDICATORS.get(ind.strip())
        if indicator is None:
            raise NcciFileError(f"modifier indicator {ind!r}: expected 0, 1 or 9", number)
        try:
            effective = to_date(eff.strip())
            dele = dele.strip()
            deleted = None if dele == "*" else to_date(dele)
        except ValueError as exc:
            raise NcciFileError(f"not a date YYYYMMDD: {exc.args[0]!r}", number) from None
        yield c1, c2, flag == "*", effective, deleted, indicator, why.strip()


# --- MUE ---------------------------------------------------------------------------------------

MUE_VALUE_COLUMNS = {
    "Practitioner Services MUE Values": NcciSetting.PRACTITIONER,
    "Outpatient Hospital Services MUE Values": NcciSetting.OUTPATIENT,
    "DME Supplier Services MUE Values": NcciSetting.DME,
}
MUE_LABELS = {1: "Line Edit", 2: "Date of Service Edit: Policy",
              3: "Date of Service Edit: Clinical"}
ADJUDICATION = re.compile(r"([0-9])(?:\s+(.*))?")


def _squeezed(cell: str) -> str:
    return re.sub(r"\s*/\s*", "/", " ".join(cell.split()))


def _is_notice(cells: list[str]) -> bool:
    kept = _trimmed(cells)
    return len(kept) == 1 and "American Medical Association" in kept[0]


def mue_records(records: Iterator[list[str]],
                setting: NcciSetting) -> Iterator[MueRecord]:
    """An MUE table's rows, after its header (below the AMA notice) is checked against the
    table the file name says (``setting``)."""
    number = 0
    header: list[str] | None = None
    for cells in records:
        number += 1
        if number == 1 and _is_notice(cells):
            continue
        header = [_squeezed(c) for c in _trimmed(cells)]
        break
    value_column = next((k for k, v in MUE_VALUE_COLUMNS.items() if v == setting), "")
    expected = ["HCPCS/CPT Code", value_column, "MUE Adjudication Indicator", "MUE Rationale"]
    if header != expected:
        raise NcciFileError(f"unknown MUE layout: the header is {header!r}, expected "
                            f"{expected!r} (after the AMA notice)", number)
    for cells in records:
        number += 1
        kept = _trimmed(cells)
        if not kept:
            continue
        if len(kept) > 4 or len(kept) < 3:
            raise NcciFileError(f"expected 4 fields, found {len(kept)}", number)
        code, raw, adjudication = kept[0], kept[1], kept[2]
        rationale = kept[3] if len(kept) > 3 and kept[3] else None
        if not CODE.fullmatch(code):
            raise NcciFileError(f"not an HCPCS/CPT code: {code!r}", number)
        m = ADJUDICATION.fullmatch(adjudication)
        indicator = int(m.group(1)) if m else 0
        if m is None or indicator not in MUE_LABELS or m.group(2) not in (
                None, MUE_LABELS[indicator]):
            raise NcciFileError(f"MUE adjudication indicator {adjudication!r}: expected "
                                "1 Line Edit, 2 Date of Service Edit: Policy or 3 Date of "
                                "Service Edit: Clinical", number)
        value = int(raw) if raw.isdigit() else None  # tolerated: a value that is not a number
        yield code, value, raw[:16], indicator, rationale


# --- AOC ---------------------------------------------------------------------------------------

AOC_COLUMNS = ("aoc_edit_type", "add-on_code", "aoc_deldt", "primary_code",
               "primary_code_deldt", "aoc_edit_effdt", "aoc_edit_deldt",
               "special_instruction_notes")


def _aoc_name(cell: str) -> str:
    name = "_".join(cell.strip().lower().split())
    return re.sub(r"[_ ]?\(?julian\)?$", "", name)


def julian(text: str) -> date | None:
    """``YYYYDDD`` (2026001 = 2026-01-01), blank for none."""
    text = text.strip()
    if not text:
        return None
    if len(text) != 7 or not text.isdigit() or not 1 <= int(text[4:]) <= 366:
        raise ValueError(text)
    return date(int(text[:4]), 1, 1) + timedelta(days=int(text[4:]) - 1)


def _aoc_record(cells: list[str], number: int) -> AocRecord:
    kind, add_on, add_on_del, primary, primary_del, eff, dele, notes = (
        c.strip() for c in (cells + [""] * 8)[:8])
    if kind not in ("1", "2", "3"):
        raise NcciFileError(f"AOC edit type {kind!r}: expected 1, 2 or 3", number)
    if not CODE.fullmatch(add_on) or not CODE.fullmatch(primary):
        raise NcciFileError(f"not an add-on and a primary code: {add_on!r}, {primary!r}", number)
    try:
        dates = [julian(d) for d in (add_on_del, primary_del, eff, dele)]
    except ValueError as exc:
        raise NcciFileError(f"not a Julian date YYYYDDD: {exc.args[0]!r}", number) from None
    return int(kind), add_on, dates[0], primary, dates[1], dates[2], dates[3], notes or None


FIXED = ((0, 1), (1, 6), (6, 13), (13, 18), (18, 25), (25, 32), (32, 39), (39, 97))


def aoc_fixed_records(records: Iterator[list[str]]) -> Iterator[AocRecord]:
    """The fixed-width AOC file's edits; a first line naming the columns is skipped."""
    number = 0
    for cells in records:
        number += 1
        line = cells[0] if cells else ""
        if not line.strip():
            continue
        if number == 1 and not line[:1].isdigit():
            words = [_aoc_name(w) for w in line.split()]
            if tuple(words[:len(AOC_COLUMNS)]) != AOC_COLUMNS:
                raise NcciFileError(f"unknown AOC layout: the first line is {line.strip()!r}, "
                                    "expected data or the column names "
                                    f"{' '.join(AOC_COLUMNS)}", number)
            continue
        if len(line) < 39 or len(line) > 97:
            raise NcciFileError(f"a fixed-width AOC line has 39 to 97 characters, this one "
                                f"{len(line)}", number)
        yield _aoc_record([line[a:b] for a, b in FIXED], number)


def aoc_sheet_records(records: Iterator[list[str]]) -> Iterator[AocRecord]:
    """The AOC workbook's edits, below its header (at most a notice row above it)."""
    number = 0
    header: tuple[str, ...] = ()
    for cells in records:
        number += 1
        header = tuple(_aoc_name(c) for c in _trimmed(cells))
        if number == 1 and header != AOC_COLUMNS and _is_notice(cells):
            continue
        break
    if header != AOC_COLUMNS:
        raise NcciFileError(f"unknown AOC layout: the header is {list(header)!r}, expected "
                            f"{list(AOC_COLUMNS)!r}", number)
    for cells in records:
        number += 1
        if not _trimmed(cells):
            continue
        yield _aoc_record(cells, number)
