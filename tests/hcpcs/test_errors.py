"""Broken files, written small to tmp_path: each gets one clear HcpcsFileError line."""

from __future__ import annotations

import gzip
from pathlib import Path

import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest

from systems.hcpcs.parse import HcpcsFileError, read_hcpcs

from ._data import raw_txt_lines, raw_xlsx_rows, write

NAME = "HCPC2026_JAN_ANWEB_small.txt"


def sample() -> list[bytes]:
    """The file's first 17 lines: modifiers A1-A9, AA, AB (5 lines) and AD (2 lines)."""
    lines = list(raw_txt_lines()[:17])
    assert [line[3:5] + line[10:11] for line in lines[-7:]] == [
        b"AB7", b"AB8", b"AB8", b"AB8", b"AB8", b"AD7", b"AD8"]
    return lines


def error_of(path: Path, **kwargs: str) -> str:
    with pytest.raises(HcpcsFileError) as caught:
        read_hcpcs(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path.name)
    assert isinstance(caught.value, ValueError)
    return message


def test_the_sample_itself_reads(tmp_path: Path) -> None:
    lines = sample()
    assert len(read_hcpcs(write(tmp_path / NAME, lines)).records) == 12
    # LF line ends, a trailing blank line and gzip are all fine.
    path = write(tmp_path / "HCPC2026_JAN_ANWEB_lf.txt", [*lines, b" " * 296], terminator=b"\n")
    assert len(read_hcpcs(path).records) == 12
    gz = tmp_path / "HCPC2026_JAN_ANWEB_small.txt.gz"
    gz.write_bytes(gzip.compress(b"".join(line + b"\r\n" for line in lines)))
    assert read_hcpcs(gz).version == "2026-01"


def test_truncated_record(tmp_path: Path) -> None:
    lines = sample()
    lines[5] = lines[5][:200]
    assert error_of(write(tmp_path / NAME, lines)) == (
        f"{NAME}, line 6: truncated record: 200 characters, the layout has 320")


def test_truncated_last_record_is_not_the_trailing_blank_line(tmp_path: Path) -> None:
    lines = sample()
    lines[-1] = lines[-1][:91]
    assert "line 17: truncated record: 91 characters" in error_of(write(tmp_path / NAME, lines))


def test_record_longer_than_the_layout(tmp_path: Path) -> None:
    lines = sample()
    lines[2] = lines[2] + b"   X"
    assert "line 3: record longer than the layout's 320 characters" in error_of(
        write(tmp_path / NAME, lines))


def test_unknown_record_id(tmp_path: Path) -> None:
    lines = sample()
    lines[3] = lines[3][:10] + b"5" + lines[3][11:]
    assert error_of(write(tmp_path / NAME, lines)) == (
        f"{NAME}, line 4: unknown record id '5' in position 11 (the layout knows 3, 4, 7, 8)")


def test_continuation_line_without_first_line(tmp_path: Path) -> None:
    lines = sample()
    assert "line 1: continuation line (record id 8) for AB without its first line" in error_of(
        write(tmp_path / NAME, lines[11:]))
    # A continuation of another code than the open record's.
    lines[16] = lines[11]
    assert "line 17: continuation line (record id 8) for AB without its first line (the open " \
           "record is AD)" in error_of(write(tmp_path / NAME, lines))


def test_duplicate_code(tmp_path: Path) -> None:
    lines = sample()
    assert error_of(write(tmp_path / NAME, [*lines, lines[0]])) == (
        f"{NAME}, line 18: duplicate code A1")


def test_wrong_encoding(tmp_path: Path) -> None:
    lines = sample()
    lines[1] = lines[1][:20] + "é".encode() + lines[1][22:]  # UTF-8, two bytes: still 320
    assert error_of(write(tmp_path / NAME, lines)) == (
        f"{NAME}, line 2: byte 0xC3 at offset 342 is not ASCII (the layout's files are "
        "ASCII; re-encoded or not an HCPCS text file?)")
    bom = tmp_path / "HCPC2026_JAN_ANWEB_bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + (tmp_path / NAME).read_bytes())
    assert "line 1: byte 0xEF at offset 0 is not ASCII" in error_of(bom)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / NAME
    empty.write_bytes(b"")
    assert error_of(empty) == f"{NAME}: empty file"
    assert error_of(write(tmp_path / "HCPC2026_JAN_ANWEB_blank.txt", [b" " * 320])) == (
        "HCPC2026_JAN_ANWEB_blank.txt: empty file: no records")


def test_blank_line_inside(tmp_path: Path) -> None:
    lines = sample()
    assert "line 3: blank line inside the file" in error_of(
        write(tmp_path / NAME, [*lines[:2], b"", *lines[2:]]))


def test_file_name_without_a_quarter(tmp_path: Path) -> None:
    path = write(tmp_path / "hcpcs_codes.txt", sample())
    assert error_of(path) == (
        "hcpcs_codes.txt: no release quarter in the file name: keep the name CMS gives its "
        "files, HCPC<year>_<MON>_ANWEB... (e.g. HCPC2026_JAN_ANWEB.txt)")
    file = read_hcpcs(path, version="2026-04")
    assert (file.version, file.effective_from.isoformat()) == ("2026-04", "2026-04-01")
    assert error_of(path, version="2026-13") == (
        "hcpcs_codes.txt: version '2026-13' is not YYYY-MM")


def test_bad_date(tmp_path: Path) -> None:
    lines = sample()
    lines[0] = lines[0][:268] + b"20021301" + lines[0][276:]
    assert error_of(write(tmp_path / NAME, lines)) == (
        f"{NAME}, line 1: code_added_date '20021301' is not a valid date")


def test_unknown_file_type_and_broken_gzip(tmp_path: Path) -> None:
    csv = write(tmp_path / "HCPC2026_JAN_ANWEB.csv", sample())
    assert "unknown file type" in error_of(csv)
    broken = tmp_path / "HCPC2026_JAN_ANWEB.txt.gz"
    broken.write_bytes(b"not gzip at all")
    assert "not a readable gzip file" in error_of(broken)


def workbook(path: Path, rows: list[tuple[object, ...]]) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("HCPC2025_OCT_ANWEB")
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


XLSX = "HCPC2025_OCT_ANWEB_small.xlsx"


def xlsx_sample() -> list[tuple[object, ...]]:
    """Header, modifier A1 and code A0021 (rows 2 and 385 of the October workbook)."""
    rows = raw_xlsx_rows()
    return [rows[0], rows[1], rows[384]]


def test_the_workbook_sample_reads(tmp_path: Path) -> None:
    file = read_hcpcs(workbook(tmp_path / XLSX, xlsx_sample()))
    assert [r.code for r in file.records] == ["A1", "A0021"]
    assert file.version == "2025-10"


def test_workbook_with_unexpected_header_names(tmp_path: Path) -> None:
    header, *rows = xlsx_sample()
    renamed = ("HCPC", "SEQNUM", "RECID", "DESCRIPTION", *header[4:])
    assert error_of(workbook(tmp_path / XLSX, [renamed, *rows])) == (
        f"{XLSX}, row 1: unknown layout: column 4 is 'DESCRIPTION', expected 'LONG DESCRIPTION'")


def test_workbook_with_another_column_count(tmp_path: Path) -> None:
    header, *rows = xlsx_sample()
    narrow = [row[:47] for row in (header, *rows)]
    assert error_of(workbook(tmp_path / XLSX, narrow)) == (
        f"{XLSX}, row 1: unknown layout: 47 columns, the layout's workbook has 48")


def test_workbook_record_id_duplicate_and_empty(tmp_path: Path) -> None:
    header, modifier, code = xlsx_sample()
    continuation = (*code[:2], "4", *code[3:])
    assert "row 3: unknown record id '4' in RECID" in error_of(
        workbook(tmp_path / XLSX, [header, modifier, continuation]))
    assert error_of(workbook(tmp_path / XLSX, [header, modifier, code, code])) == (
        f"{XLSX}, row 4: duplicate code A0021")
    assert error_of(workbook(tmp_path / XLSX, [header])) == (
        f"{XLSX}: empty file: no records below the header")
    (tmp_path / XLSX).write_bytes(b"")
    assert error_of(tmp_path / XLSX) == f"{XLSX}: empty file"
    (tmp_path / XLSX).write_bytes(b"HCPC,SEQNUM\n")
    assert "not a readable xlsx workbook" in error_of(tmp_path / XLSX)
