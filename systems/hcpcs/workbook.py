"""Reader for the ``HCPC<year>_<MON>_ANWEB*.xlsx`` workbook.

The workbook holds the record layout as one sheet: a header row of 48 column names, then
one row per code or modifier (record id 3 or 7; the long description whole in one cell, so
there are no continuation rows).  Cells are text as published; a few are numbers
(``TOS1`` 2, ``TERM DT`` 20250930, ...), which are read back as the text the fixed-width
file holds (zero-filled to the field's width).  The three columns the workbook calls
``OPPS``, ``OPPS_PI`` and ``OPPS_DT`` sit where the layout has the MOG payment group, MOG
payment policy indicator and MOG effective date (positions 241-252); they are read as those.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

from .errors import HcpcsFileError
from .fields import RAW_FIELDS, FieldError, build_record
from .layout import FIRST_LINE_IDS, MODIFIER_IDS
from .records import HcpcsRecord

# Column name -> (HcpcsRecord attribute or a reader key, the layout field's width).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("HCPC", "code", 5),
    ("SEQNUM", "sequence", 4),
    ("RECID", "record_id", 1),
    ("LONG DESCRIPTION", "long_description", 0),
    ("SHORT DESCRIPTION", "short_description", 28),
    ("PRICE1", "pricing_indicators", 2),
    ("PRICE2", "pricing_indicators", 2),
    ("PRICE3", "pricing_indicators", 2),
    ("PRICE4", "pricing_indicators", 2),
    ("MULT_PI", "multiple_pricing_indicator", 1),
    ("CIM1", "cim_references", 6),
    ("CIM2", "cim_references", 6),
    ("CIM3", "cim_references", 6),
    ("MCM1", "mcm_references", 8),
    ("MCM2", "mcm_references", 8),
    ("MCM3", "mcm_references", 8),
    ("STATUTE", "statute", 10),
    *((f"LABCERT{i}", "lab_certifications", 3) for i in range(1, 9)),
    *((f"XREF{i}", "cross_references", 5) for i in range(1, 6)),
    ("COV", "coverage_code", 1),
    ("ASC_GRP", "asc_payment_group", 2),
    ("ASC_DT", "asc_effective_date", 8),
    ("OPPS", "mog_payment_group", 3),
    ("OPPS_PI", "mog_payment_policy_indicator", 1),
    ("OPPS_DT", "mog_effective_date", 8),
    ("PROCNOTE", "procedure_note", 4),
    ("BETOS", "betos", 3),
    *((f"TOS{i}", "types_of_service", 1) for i in range(1, 6)),
    ("ANEST_BU", "anesthesia_base_units", 3),
    ("ADD DT", "code_added_date", 8),
    ("ACT EFF DT", "action_effective_date", 8),
    ("TERM DT", "termination_date", 8),
    ("ACTION CD", "action_code", 1),
)
HEADER: tuple[str, ...] = tuple(name for name, _, _ in COLUMNS)
assert len(HEADER) == 48
assert {key for _, key, _ in COLUMNS} >= set(RAW_FIELDS)


def _text(value: object, width: int) -> str:
    """A cell as the text the fixed-width file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int; no HCPCS field holds one
        raise FieldError(f"unexpected boolean cell {value!r}")
    if isinstance(value, int):
        return str(value).zfill(width)
    if isinstance(value, float) and value.is_integer():
        return str(int(value)).zfill(width)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, str):
        return value
    raise FieldError(f"unexpected cell value {value!r}")


def _rows(data: bytes, source: str) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows; whatever openpyxl trips over becomes an HcpcsFileError."""
    # Imported here, as for the CPT and NCCI workbooks: 70 ms that every `medcode` command
    # would pay at start, for a file format only some loads read.
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise HcpcsFileError(source, "not a readable xlsx workbook (not a zip file)") from None
    except Exception as error:  # openpyxl's own, KeyError for a missing part, XML errors...
        raise HcpcsFileError(source, f"not a readable xlsx workbook ({error!r})") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as error:
                raise HcpcsFileError(source, f"unreadable sheet ({error!r})") from None
            yield row
    finally:
        workbook.close()


def parse_workbook(data: bytes, source: str) -> list[HcpcsRecord]:
    """The records of a workbook's first sheet, in row order."""
    if not data:
        raise HcpcsFileError(source, "empty file")
    rows = _rows(data, source)
    header = next(rows, None)
    if header is None:
        raise HcpcsFileError(source, "empty file: the sheet has no rows")
    names = tuple("" if cell is None else str(cell).strip() for cell in header)
    while names and not names[-1]:
        names = names[:-1]
    if names != HEADER:
        if len(names) != len(HEADER):
            problem = f"{len(names)} columns, the layout's workbook has {len(HEADER)}"
        else:
            wrong = next(i for i, (a, b) in enumerate(zip(names, HEADER, strict=True)) if a != b)
            problem = f"column {wrong + 1} is {names[wrong]!r}, expected {HEADER[wrong]!r}"
        raise HcpcsFileError(source, f"unknown layout: {problem}", row=1)

    records: list[HcpcsRecord] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        cells = tuple(row[: len(HEADER)]) + (None,) * (len(HEADER) - len(row))
        if all(cell is None or cell == "" for cell in cells):
            continue
        if any(cell not in (None, "") for cell in row[len(HEADER):]):
            raise HcpcsFileError(source, f"unknown layout: a value past column {len(HEADER)}",
                                 row=number)
        try:
            raw: dict[str, list[str]] = {}
            for (_, key, width), cell in zip(COLUMNS, cells, strict=True):
                raw.setdefault(key, []).append(_text(cell, width))
            record_id = raw["record_id"][0].strip()
            if record_id not in FIRST_LINE_IDS:
                raise HcpcsFileError(
                    source,
                    f"unknown record id {record_id!r} in RECID (a workbook row is a whole "
                    "record: 3 = code, 7 = modifier)",
                    row=number,
                )
            code = raw["code"][0].strip()
            if code in seen:
                raise HcpcsFileError(source, f"duplicate code {code}", row=number)
            seen.add(code)
            records.append(build_record(code, record_id in MODIFIER_IDS,
                                        raw["long_description"][0], raw))
        except FieldError as error:
            raise HcpcsFileError(source, str(error), row=number) from None
    if not records:
        raise HcpcsFileError(source, "empty file: no records below the header")
    return records
