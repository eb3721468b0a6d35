"""The other forms CMS ships the fixture tables in, made from the fixture files at test time: the
``.xlsx`` of each table (a row per record, as CMS's workbooks hold them) and the ``.zip``."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from tests.ncci.make_fixtures import aoc_rows

AOC_HEADER = ["AOC_Edit_Type", "Add-On_Code", "AOC_DelDT", "Primary_Code", "Primary_Code_DelDT",
              "AOC_Edit_EffDT", "AOC_Edit_DelDT", "Special_Instruction_Notes"]


def _save(rows: list[list[object]], path: Path) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def ptp_xlsx(txt: Path, into: Path, numeric_dates: bool = True) -> Path:
    """The PTP ``.TXT`` as its workbook: a row per line; dates as numbers when asked (as some
    releases' sheets hold them)."""
    rows: list[list[object]] = []
    for number, line in enumerate(txt.read_text("latin-1").splitlines(), start=1):
        cells: list[object] = list(line.split("\t"))
        if number > 6 and numeric_dates:
            cells[3] = int(str(cells[3]))
            if cells[4] != "*":
                cells[4] = int(str(cells[4]))
        rows.append(cells)
    return _save(rows, into / txt.with_suffix(".xlsx").name)


def mue_xlsx(csv_path: Path, into: Path, notice: bool = True) -> Path:
    with csv_path.open(encoding="latin-1", newline="") as handle:
        records: list[list[object]] = [list(r) for r in csv.reader(handle)]
    if not notice:
        records = records[1:]
    for r in records[2 if notice else 1:]:
        r[1] = int(str(r[1])) if str(r[1]).isdigit() else r[1]  # values are numbers in a sheet
    return _save(records, into / csv_path.with_suffix(".xlsx").name)


def aoc_xlsx(into: Path, notice: bool = False, julian_suffix: bool = False,
             header: list[str] | None = None) -> Path:
    head = list(header or AOC_HEADER)
    if julian_suffix:
        head = [h + "_Julian" if h.endswith("DT") else h for h in head]
    rows: list[list[object]] = ([["CPT only copyright 2025 American Medical Association. All "
                                  "rights reserved."]] if notice else [])
    rows.append(list(head))
    for r in aoc_rows():
        kind, add_on, add_on_del, primary, primary_del, eff, dele, notes = r
        rows.append([kind, add_on, int(add_on_del) if add_on_del else None, primary,
                     int(primary_del) if primary_del else None, int(eff),
                     int(dele) if dele else None, notes or None])
    return _save(rows, into / "AOC_V2026Q3-MCR.xlsx")


def cms_zip(into: Path, name: str, members: list[Path]) -> Path:
    """A zip as CMS ships one: the data files and a readme."""
    path = into / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            archive.write(member, member.name)
        archive.writestr("README.pdf", io.BytesIO(b"%PDF-1.4 notes").getvalue())
    return path
