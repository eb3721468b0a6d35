"""The processing notes, and how the records' note numbers point into them."""

from __future__ import annotations

from functools import cache

import pytest

from systems.hcpcs.bundled import NOTES_FILE
from systems.hcpcs.errors import HcpcsFileError
from systems.hcpcs.notes import codes_by_note, codes_named, parse_notes, read_notes

from ._data import jan, oct_


@cache
def notes() -> dict[str, str]:
    return read_notes(NOTES_FILE)


def test_every_note_is_read() -> None:
    assert list(notes()) == [f"{n:04d}" for n in range(1, 235)]
    assert notes()["0001"] == "THIS PROCESSING NOTE DELETED 1/1/97."
    assert sum(text.startswith("THIS PROCESSING NOTE DELETED") for text in notes().values()) == 10
    assert notes()["0088"] == (
        '"S" CODES ARE UNIQUE TEMPORARY CODES ESTABLISHED BY BCBSA AND HIAA FOR PRIVATE PAYOR '
        "USE. THEY ARE NOT VALID NOR PAYABLE BY MEDICARE.")
    # Tab-padded lines, a line without the right-hand '*', three continuation lines.
    assert notes()["0229"] == (
        "THESE CODES ARE USED ONLY UNDER THE ASC PAYMENT SYSTEM. REFER TO THE 2023 OPPS/ASC "
        "FINAL RULE AND THE DISCUSSION ON THE ASC SPECIAL PAYMENT POLICY FOR OPPS "
        "COMPLEXITY-ADJUSTED C-APCs FOR MORE INFORMATION.")
    assert notes()["0199"] == (
        "SEE CR 8871, SERVICE IS APPROVED PER NCD COVERAGE; RESTRICTIVE GUIDELINES.")
    assert notes()["0234"] == "CMS DOES NOT RECOGNIZE ATHLETIC TRAINERS AS PROVIDERS."
    assert not any("*" in text or "  " in text for text in notes().values())


def test_records_point_to_notes_that_exist() -> None:
    for file, carrying, numbers in ((jan(), 838, 113), (oct_(), 837, 113)):
        by_note = codes_by_note(file.records)
        assert sum(map(len, by_note.values())) == carrying
        assert len(by_note) == numbers
        assert set(by_note) <= set(notes())
    by_note = codes_by_note(jan().records)
    assert len(by_note["0088"]) == 318 and all(c.startswith("S") for c in by_note["0088"])
    assert by_note["0084"] == ["G7"]  # a modifier's note
    assert notes()[jan().by_code()["C1300"].procedure_note or ""].startswith('"C" CODES ARE')


def test_codes_named_in_note_texts() -> None:
    assert codes_named(notes()["0017"]) == [
        "E1510-E1600", "E1620", "E1630-E1699", "A4650-A4663", "A4690", "A4712", "A4730-A4870",
        "A4890-A4927"]
    assert codes_named(notes()["0018"]) == ["J2545", "94642"]
    assert codes_named(notes()["0072"]) == ["L8100-L8200"]
    # Federal Register and page numbers are not codes.
    assert codes_named(notes()["0233"]) == []
    assert codes_named(notes()["0107"]) == []
    assert codes_named(notes()["0156"]) == []


def test_parse_notes_errors() -> None:
    with pytest.raises(HcpcsFileError, match="no processing notes"):
        parse_notes("PROCESSING NOTES\n\n")
    with pytest.raises(HcpcsFileError, match="line 2: duplicate note 0001"):
        parse_notes("0001--A.   *\n0001--B.  *\n", "notes.txt")
