"""Record counts, computed from the raw lines and rows without the reader, against the reader."""

from __future__ import annotations

from collections import Counter

from ._data import jan, oct_, raw_txt_lines, raw_xlsx_rows


def test_text_file_counts_from_raw_lines() -> None:
    lines = raw_txt_lines()
    assert len(lines) == 16_615
    # Position 11 (1-based) holds the record identification code.
    ids = Counter(line[10:11].decode() for line in lines)
    assert ids == {"3": 8_623, "4": 7_415, "7": 383, "8": 193, " ": 1}
    # As published: the last line is blank and G9871's line carries trailing blanks.
    assert lines[-1] == b" " * 296
    long_lines = [line for line in lines if len(line) != 320]
    assert [line[:5] for line in long_lines] == [b"G9871", b" " * 5]
    assert len(long_lines[0]) == 546 and long_lines[0][293:] == b" " * 253

    first_lines = [line for line in lines if line[10:11] in (b"3", b"7")]
    raw_codes = [line[:5].decode().strip() for line in first_lines]
    assert len(set(raw_codes)) == len(raw_codes)

    parsed = jan()
    assert len(parsed.codes) == ids["3"] == 8_623
    assert len(parsed.modifiers) == ids["7"] == 383
    assert len(parsed.records) == 9_006
    assert [record.code for record in parsed.records] == raw_codes
    assert {r.code for r in parsed.modifiers} == {
        line[3:5].decode() for line in first_lines if line[10:11] == b"7"}


def test_workbook_counts_from_raw_rows() -> None:
    header, *rows = raw_xlsx_rows()
    assert len(header) == 48 and header[:3] == ("HCPC", "SEQNUM", "RECID")
    assert len(rows) == 8_846
    ids = Counter(row[2] for row in rows)
    assert ids == {"3": 8_463, "7": 383}

    parsed = oct_()
    assert len(parsed.codes) == ids["3"]
    assert len(parsed.modifiers) == ids["7"]
    assert len(parsed.records) == 8_846
    assert [record.code for record in parsed.records] == [str(row[0]).strip() for row in rows]
    # Modifiers are printed as in the text file: three blanks, then the two characters.
    assert all(str(row[0]).startswith("   ") for row in rows if row[2] == "7")


def test_release_names() -> None:
    assert (jan().version, jan().effective_from.isoformat()) == ("2026-01", "2026-01-01")
    assert (oct_().version, oct_().effective_from.isoformat()) == ("2025-10", "2025-10-01")
    assert jan().source == "HCPC2026_JAN_ANWEB_01122026.txt.gz"


def test_terminated_before_the_first_day() -> None:
    """Codes past their termination date on the file's first day (not billable then)."""
    for file, codes, modifiers in ((oct_(), 1_205, 20), (jan(), 1_300, 20)):
        day = file.effective_from
        assert sum(not r.in_force_on(day) for r in file.codes) == codes
        assert sum(not r.in_force_on(day) for r in file.modifiers) == modifiers
