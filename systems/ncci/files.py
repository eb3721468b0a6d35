"""Which NCCI file a path is (table, setting, quarter, part) from its name, and its records as
lists of text cells, streamed: the ``.TXT``/``.csv``/``.txt`` as CMS writes them (Latin-1), an
``.xlsx`` read-only (openpyxl), or either inside the ``.zip`` CMS ships.

The names, as CMS publishes them:

- PTP edits: ``ccipra-v322r0-f1`` (practitioner), ``ccioph-v322r0-f1`` (hospital outpatient);
  ``v322r0`` is version 32.2 revision 0: year 1994 + 32, quarter 2 + 1 = 2026-Q3.
- MUEs: ``MCR_MUE_PractitionerServices_Eff_07-01-2026`` (also ``OutpatientHospitalServices``,
  ``DMESupplierServices``): in force from that date.
- Add-on code edits: ``AOC_V2026Q3-F-MCR.txt`` (fixed width), ``AOC_V2026Q3-MCR.xlsx``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from domain.ncci import NcciKind, NcciSetting
from systems.ncci.errors import NcciFileError

PTP_NAME = re.compile(r"cci(pra|oph)[-_ ]?v(\d\d)(\d)r(\d+)(?:[-_ ]?f(\d))?", re.IGNORECASE)
MUE_NAME = re.compile(
    r"MUE_(PractitionerServices|OutpatientHospitalServices|DMESupplierServices)"
    r"_Eff_(\d\d)-(\d\d)-(\d{4})", re.IGNORECASE)
AOC_NAME = re.compile(r"AOC_V(\d{4})Q([1-4])", re.IGNORECASE)
PTP_SETTINGS = {"pra": NcciSetting.PRACTITIONER, "oph": NcciSetting.OUTPATIENT}
MUE_SETTINGS = {"practitionerservices": NcciSetting.PRACTITIONER,
                "outpatienthospitalservices": NcciSetting.OUTPATIENT,
                "dmesupplierservices": NcciSetting.DME}
# Data members of a zip, best first for each kind: the text form reads faster than the sheet.
PREFERRED = {NcciKind.PTP: (".txt", ".xlsx"), NcciKind.MUE: (".csv", ".xlsx"),
             NcciKind.AOC: (".txt", ".xlsx")}
ENCODING = "latin-1"  # CMS's files: the AMA notice has (R) as byte 0xAE


@dataclass(frozen=True, slots=True)
class FileKind:
    """What a file's name says it is."""

    kind: NcciKind
    setting: NcciSetting
    quarter: str  # 2026-Q3
    effective_from: date
    part: str = ""  # f1..f4 (PTP)
    version: str = ""  # v322r0 (PTP)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def kind_of(name: str) -> FileKind | None:
    """The table, setting and quarter a CMS file name names; None for any other name."""
    base = Path(name).name
    m = PTP_NAME.search(base)
    if m:
        year, quarter = 1994 + int(m.group(2)), int(m.group(3)) + 1
        if quarter > 4:
            return None
        return FileKind(NcciKind.PTP, PTP_SETTINGS[m.group(1).lower()],
                        f"{year}-Q{quarter}", quarter_start(year, quarter),
                        f"f{m.group(5)}" if m.group(5) else "",
                        f"v{m.group(2)}{m.group(3)}r{m.group(4)}")
    m = MUE_NAME.search(base)
    if m:
        try:
            day = date(int(m.group(4)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return FileKind(NcciKind.MUE, MUE_SETTINGS[m.group(1).lower()], quarter_of(day), day)
    m = AOC_NAME.search(base)
    if m:
        year, quarter = int(m.group(1)), int(m.group(2))
        return FileKind(NcciKind.AOC, NcciSetting.ALL, f"{year}-Q{quarter}",
                        quarter_start(year, quarter))
    return None


NAMES_HINT = ("an NCCI file keeps CMS's name: ccipra-v322r0-f1 / ccioph-v322r0-f1 (PTP edits), "
              "MCR_MUE_PractitionerServices_Eff_07-01-2026 (MUEs), AOC_V2026Q3-F-MCR "
              "(add-on code edits), as .zip, .TXT/.csv/.txt or .xlsx")


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text file would have it (codes such as ``0001A`` stay text,
    whole numbers lose their ``.0``; a date becomes ``YYYYMMDD``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_records(stream: IO[bytes]) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, openpyxl's own
        raise NcciFileError(f"not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(v).strip() for v in row]
    finally:
        book.close()


def _text_records(stream: IO[bytes], suffix: str) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding=ENCODING, newline="")
    if suffix == ".csv":
        yield from csv.reader(text)
    elif suffix == ".tab":  # PTP: TAB-delimited, no quoting
        for line in text:
            yield line.rstrip("\r\n").split("\t")
    else:  # fixed width: the whole line, one cell
        for line in text:
            yield [line.rstrip("\r\n")]


@dataclass(frozen=True, slots=True)
class Opened:
    kind: FileKind
    name: str  # the data file's own name (inside the zip, if any)
    form: str  # ".txt", ".csv" or ".xlsx"
    records: Iterator[list[str]]


def _form(kind: FileKind, suffix: str) -> str | None:
    wanted = PREFERRED[kind.kind]
    if suffix in wanted:
        return suffix
    return None


@contextmanager
def open_records(path: Path) -> Iterator[Opened]:
    """The file's records (lists of cells), opened by its name; a zip's best data member."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise NcciFileError(f"not a readable zip ({exc})") from None
        with archive:
            members = []
            for info in archive.infolist():
                kind = kind_of(info.filename)
                form = _form(kind, Path(info.filename).suffix.lower()) if kind else None
                if kind is not None and form is not None and not info.is_dir():
                    members.append((PREFERRED[kind.kind].index(form), info.filename, kind, form))
            if not members:
                raise NcciFileError(f"the zip holds no NCCI data file ({NAMES_HINT})")
            tables = {(k.kind, k.setting, k.quarter, k.part) for _, _, k, _ in members}
            if len(tables) > 1:
                raise NcciFileError("the zip holds files of several tables; load each file "
                                    "on its own")
            _, member, kind, form = min(members)
            with archive.open(member) as stream:
                yield Opened(kind, Path(member).name, form, _records(stream, kind, form))
        return
    kind = kind_of(path.name)
    if kind is None:
        raise NcciFileError(f"unknown file name: {NAMES_HINT}")
    form = _form(kind, suffix)
    if form is None:
        raise NcciFileError(f"a {kind.kind.value} file must be "
                            f"{' or '.join(PREFERRED[kind.kind])}, not {suffix or 'no suffix'}")
    with path.open("rb") as stream:
        yield Opened(kind, path.name, form, _records(stream, kind, form))


def _spooled(spool: IO[bytes]) -> Iterator[list[str]]:
    with spool:
        yield from _xlsx_records(spool)


def _records(stream: IO[bytes], kind: FileKind, form: str) -> Iterator[list[str]]:
    if form == ".xlsx":
        # openpyxl needs to seek: a zip member is copied to a temporary file first (constant
        # memory); a plain file is handed over as it is.
        if not isinstance(stream, io.BufferedReader):
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the records
            shutil.copyfileobj(stream, spool, 1 << 20)
            spool.seek(0)
            return _spooled(spool)
        return _xlsx_records(stream)
    if kind.kind == NcciKind.PTP:
        return _text_records(stream, ".tab")
    return _text_records(stream, form)
