"""Reading the PFS relative value file: the excerpt's values against the file's own lines, the
meaning of every coded value, and the refusal of anything that is not the layout."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from domain.fee_schedule import PfsRateRow
from domain.spec import ImportFileError
from systems.pfs import layout
from systems.pfs.parse import read_pfs
from systems.pfs.payment import facility_payment, national_amount, non_facility_payment

from .conftest import EXCERPT

LINES = EXCERPT.read_bytes().decode("latin-1").split("\r\n")


def _row(parsed_rows: list[dict[str, object]], code: str, modifier: str = "") -> PfsRateRow:
    found = next(r for r in parsed_rows if r["code"] == code and r["modifier"] == modifier)
    return PfsRateRow(release_id=0, **found)  # type: ignore[arg-type]


def _raw(code: str, modifier: str = "") -> list[str]:
    """The excerpt's line for a code, split by the csv module alone."""
    return next(cells for cells in csv.reader(LINES[10:])
                if cells and cells[0] == code and cells[1] == modifier)


def _write(tmp_path: Path, lines: list[str], name: str = EXCERPT.name) -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("latin-1"))
    return path


def test_the_release_is_named_and_dated_by_the_file() -> None:
    parsed = read_pfs(EXCERPT)
    assert parsed.version == "2025-10"
    assert str(parsed.effective_from) == "2025-10-01"
    assert str(parsed.released_on) == "2025-09-11"
    assert parsed.title == ("2025 National Physician Fee Schedule Relative Value File October "
                            "Release")
    assert len(parsed.rows) == sum(1 for line in LINES[10:] if line) == 284


def test_96425_as_the_file_gives_it_and_its_national_payment() -> None:
    row = _row(read_pfs(EXCERPT).rows, "96425")
    assert (row.status, row.work_rvu, row.non_facility_pe_rvu, row.malpractice_rvu,
            row.non_facility_total, row.global_days, row.conversion_factor) == (
        "A", Decimal("0.17"), Decimal("4.53"), Decimal("0.10"), Decimal("4.80"), "XXX",
        Decimal("32.3465"))
    raw = _raw("96425")
    assert [raw[5], raw[6], raw[10], raw[11], raw[14], raw[24]] == [
        "0.17", "4.53", "0.10", "4.80", "XXX", "32.3465"]
    assert non_facility_payment(row) == Decimal("155.26")  # 4.80 x 32.3465 = 155.2632
    # "NA" in the facility column: rarely or never performed in a facility, no facility amount
    assert raw[9] == "NA" and row.facility_na and facility_payment(row) is None
    assert row.pctc == "5" and layout.meaning("pctc", "5").startswith("Incident to")  # type: ignore[union-attr]


def test_the_chemotherapy_family_around_96425() -> None:
    rows = read_pfs(EXCERPT).rows
    for code in ("96420", "96422", "96423"):
        row, raw = _row(rows, code), _raw(code)
        assert (str(row.work_rvu), str(row.non_facility_pe_rvu), str(row.malpractice_rvu),
                str(row.non_facility_total), row.global_days) == (
            raw[5], raw[6], raw[10], raw[11], raw[14])
        assert non_facility_payment(row) == national_amount(row.non_facility_total,
                                                            row.conversion_factor)
    assert _row(rows, "96423").global_days == "ZZZ"  # an add-on code
    # 4.46 x 32.3465 = 144.2654: to the cent, 144.27
    assert non_facility_payment(_row(rows, "96422")) == Decimal("144.27")


def test_components_and_discontinued_procedures_are_rows_of_their_own() -> None:
    rows = read_pfs(EXCERPT).rows
    g0130 = {m: _row(rows, "G0130", m) for m in ("", "26", "TC")}
    assert [str(g0130[m].non_facility_total) for m in ("", "26", "TC")] == [
        "1.14", "0.33", "0.81"]
    assert g0130["TC"].work_rvu == 0 and g0130["26"].pctc == "1"
    assert non_facility_payment(g0130["26"]) == Decimal("10.67")  # 0.33 x 32.3465 = 10.674
    assert {r["code"] for r in rows if r["modifier"] == "53"} == {
        "44388", "45378", "G0105", "G0121"}


def test_every_coded_value_of_the_excerpt_has_a_meaning() -> None:
    rows = read_pfs(EXCERPT).rows
    attributes = ("status", "pctc", "global_days", "multiple_procedure", "bilateral",
                  "assistant", "co_surgeons", "team_surgery", "supervision", "imaging_family",
                  "modifier")
    missing = sorted({(a, str(r[a])) for r in rows for a in attributes
                      if r[a] is not None and layout.meaning(a, str(r[a])) is None})
    assert not missing
    seen = {a: {r[a] for r in rows} for a in attributes}
    assert seen["status"] == set("ABCEIJMNPRTX")
    assert {"0", "1", "2", "3"} <= seen["bilateral"] and {"0", "1", "2"} <= seen["assistant"]
    assert {"1", "2"} <= seen["co_surgeons"] and {"1", "2"} <= seen["team_surgery"]


def test_payment_only_where_cms_prices_the_code() -> None:
    rows = read_pfs(EXCERPT).rows
    for found in rows:
        row = PfsRateRow(release_id=0, **found)  # type: ignore[arg-type]
        priced = non_facility_payment(row)
        if row.status not in ("A", "R", "T") or row.not_used_for_payment:
            assert priced is None, (row.code, row.modifier)
        elif not row.non_facility_na and row.non_facility_total:
            assert priced == (row.non_facility_total * row.conversion_factor).quantize(
                Decimal("0.01")), row.code
    not_used = [r for r in rows if r["not_used_for_payment"]]
    assert not_used and all(r["status"] in ("B", "I", "N", "X") for r in not_used)


def test_the_description_column_is_never_kept(tmp_path: Path) -> None:
    lines = list(LINES)
    lines[10:] = [",".join([c[0], c[1], "SECRET AMA DESCRIPTOR", *c[3:]])
                  for c in csv.reader(line for line in LINES[10:] if line)]
    rows = read_pfs(_write(tmp_path, lines)).rows
    assert rows == read_pfs(EXCERPT).rows
    assert "SECRET" not in repr(rows)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda ls: ls.__setitem__(8, ls[8].replace("GLOB", "GLOBAL")),
     "line 9: the header is not the one of the PFS layout medcode reads (column 15 reads "
     "'GLOBAL' where the layout has 'GLOB')"),
    (lambda ls: ls.__setitem__(6, ls[6].replace("NOT USED", "UNUSED")),
     "line 7: the header is not the one of the PFS layout"),
    (lambda ls: ls.__setitem__(0, ",,2025 Something Else,,"), "line 1 is '2025 Something Else'"),
    (lambda ls: ls.__setitem__(20, ls[20].replace(",32.3465,", ",32.35,")),
     "line 21: conversion factor '32.35' is not a number of the layout's form"),
    (lambda ls: ls.__setitem__(20, ls[20] + ",extra"), "line 21: 32 columns where the layout"),
    (lambda ls: ls.__setitem__(21, ls[20]), "line 22: 00140 (no modifier) is already on line 21"),
    (lambda ls: ls.__setitem__(11, ls[11].replace("0.00,0.00,0.00,9,XXX",
                                                  "0.00,0.50,0.00,9,XXX", 1)),
     "line 12: the non-facility total 0.50 is not work + PE + MP (0.00)"),
    (lambda ls: ls.__setitem__(10, ls[10].replace(",I,", ",i,", 1)),
     "line 11: status code 'i' is not valid"),
    (lambda ls: ls.__delitem__(slice(8, None)), "the file ends before its header"),
    (lambda ls: ls.__delitem__(slice(10, None)), "the file has a header but no records"),
])
def test_a_file_that_is_not_the_layout_is_refused_naming_the_line(
        tmp_path: Path, change: object, expected: str) -> None:
    lines = list(LINES)
    change(lines)  # type: ignore[operator]
    with pytest.raises(ImportFileError) as refused:
        read_pfs(_write(tmp_path, lines))
    message = str(refused.value)
    assert message.startswith(f"{EXCERPT.name}: ") and expected in message, message
    assert "\n" not in message


def test_a_file_named_for_another_quarter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="named for 2026 Jan but its title says"):
        read_pfs(_write(tmp_path, list(LINES), "PPRRVU2026_Jan.csv"))
    assert read_pfs(_write(tmp_path, list(LINES), "relative values.csv")).version == "2025-10"


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "PPRRVU2025_Oct.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(ImportFileError, match="not a comma-separated text file: load the "
                       r"PPRRVU<year>_<Mon>.csv file of CMS's RVU zip"):
        read_pfs(path)
