"""Files the importer refuses: one line naming the file and the line (or row), and no release
parsed (the CLI's side, nothing loaded, is in test_cli.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from domain.spec import ImportFileError, Source
from systems.cpt.spec import CPT

from ._data import CLINICIAN, CONSUMER, CSV, copy_release, edit_line, line_of, zipped


def refusal(path: Path, version: str | None = None) -> str:
    with pytest.raises(ImportFileError) as caught:
        CPT.read(Source(path, path.name, version))
    message = str(caught.value)
    assert "\n" not in message
    return message


def _long(folder: Path) -> Path:
    return folder / "LONGULT.txt"


BAD_RELEASES: dict[str, tuple[Callable[[Path], object], str]] = {
    "a code of no CPT shape": (
        lambda f: edit_line(_long(f), line_of(_long(f), "96425"), "9642X\tZorbital bad code"),
        "LONGULT.txt, line 14: '9642X' is not a CPT code (five digits, or four digits and A, "
        "F, M, T or U)"),
    "a space where the tab goes": (
        lambda f: edit_line(_long(f), 5, "10060 Zorbital drainage"),
        "LONGULT.txt, line 5: expected a code, a tab and the long descriptor (LONGULT.txt is "
        "tab-delimited)"),
    "a code without its text": (
        lambda f: edit_line(_long(f), 6, "10061\t   "),
        "LONGULT.txt, line 6: 10061 has no descriptor text"),
    "a code twice": (
        lambda f: edit_line(_long(f), 6, "10060\tZorbital again"),
        "LONGULT.txt, line 6: 10060 has a second OFFICIAL descriptor (the first is on line 5)"),
    "a medium descriptor out of its columns": (
        lambda f: edit_line(f / "MEDU.txt", 7, "71045\tZORBITAL CHEST"),
        "MEDU.txt, line 7: expected the code in columns 1-5, a space, and the descriptor "
        "from column 7"),
    "a medium descriptor of a code the long file lacks": (
        lambda f: edit_line(f / "MEDU.txt", 7, "71046 ZORBITAL CHEST, TWO VIEWS"),
        "MEDU.txt, line 7: 71046 has no long descriptor (OFFICIAL; LONGULT.txt in the AMA's "
        "files)"),
    "a consumer row short of a column": (
        lambda f: edit_line(f / CONSUMER, 3, "1000001\tZorbital words", "utf-8"),
        "Consumer Friendly Descriptors/ConsumerDescriptor.txt, line 3: 2 columns where the "
        "layout has 3 (Concept Id, CPT Code, Consumer Friendly Descriptor)"),
    "a clinician row without its descriptor id": (
        lambda f: edit_line(f / CLINICIAN, 2, "1000010\t96425\tx\tZorbital drip", "utf-8"),
        "Clinician Descriptors/ClinicianDescriptor.txt, line 2: the ids (Concept Id, Clinician "
        "Descriptor Id) must be numbers"),
    "a modifiers file without its appendix": (
        lambda f: (f / "MODUL.txt").write_text("Zorbital modifiers\r\n59 Zorbital marker\r\n"),
        "MODUL.txt: no 'Appendix A' heading: not the layout of MODUL.txt"),
    "a modifier listed twice": (
        lambda f: (f / "MODUL.txt").write_text(
            "Appendix A\n\n59 Zorbital marker\n\n59 Zorbital again\n"),
        "MODUL.txt, line 5: modifier 59 is listed twice (first on line 3)"),
    "bytes of no text encoding": (
        lambda f: _long(f).write_bytes(_long(f).read_bytes().replace(b"short", b"sh\x81rt")),
        "LONGULT.txt: neither UTF-8 nor Windows-1252 text (byte"),
}


@pytest.mark.parametrize("case", BAD_RELEASES)
def test_a_bad_file_of_a_release_is_named_with_its_line(case: str, tmp_path: Path) -> None:
    spoil, expected = BAD_RELEASES[case]
    folder = copy_release(tmp_path)
    spoil(folder)
    assert refusal(folder).startswith(expected)


BAD_CSV = {
    "no header": ("96425,OFFICIAL,Zorbital drip\n",
                  "line 1: the first line must be the header code,kind,text"),
    "an unknown kind": ("code,kind,text\n96425,LONG,Zorbital drip\n",
                        "line 2: kind 'LONG' is not one of OFFICIAL, MEDIUM, SHORT, LAY, "
                        "CLINICIAN"),
    "a code of no shape": ("code,kind,text\n96425,OFFICIAL,Zorbital\nJ9035,OFFICIAL,Zorb\n",
                           "line 3: 'J9035' is not a CPT code"),
    "too many fields": ("code,kind,text\n96425,OFFICIAL,Zorbital, unquoted comma\n",
                        "line 2: 4 fields where the layout has 3"),
    "no long descriptor": ("code,kind,text\n96425,SHORT,ZORB DRIP\n",
                           "line 2: 96425 has no long descriptor"),
    "two lay descriptors": ("code,kind,text\n96425,OFFICIAL,Zorb\n96425,LAY,Zorb a\n"
                            "96425,LAY,Zorb b\n",
                            "line 4: 96425 has a second LAY descriptor (the first is on "
                            "line 3)"),
}


@pytest.mark.parametrize("case", BAD_CSV)
def test_a_bad_csv_row_is_named_by_its_line(case: str, tmp_path: Path) -> None:
    text, expected = BAD_CSV[case]
    path = tmp_path / "cpt2026.csv"
    path.write_text(text, encoding="utf-8")
    assert refusal(path).startswith(expected)


def test_a_csv_not_in_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cpt2026.csv"
    path.write_bytes("code,kind,text\n96425,OFFICIAL,Zorbital café\n".encode("cp1252"))
    assert refusal(path) == "not UTF-8 text: save the CSV as UTF-8"


def test_a_bad_file_in_an_archive_is_named_by_its_path_there(tmp_path: Path) -> None:
    folder = copy_release(tmp_path)
    edit_line(folder / "MEDU.txt", 7, "71045\tZORBITAL CHEST")
    assert refusal(zipped(folder, tmp_path)).startswith(
        "standard/MEDU.txt, line 7: expected the code in columns 1-5")


def test_files_of_no_known_layout_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "PPRRVU2025_Oct.txt"
    other.write_text("zorbital\n")
    assert refusal(other).startswith("not a CPT data file this importer reads (LONGULT.txt, "
                                     "MEDU.txt")  # (the command line names the file)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("zorbital\n")
    assert refusal(empty) == ("holds none of the CPT data files (LONGULT.txt, MEDU.txt, "
                              "SHORTU.txt, MODUL.txt, ConsumerDescriptor.txt, "
                              "ClinicianDescriptor.txt)")
    broken = tmp_path / "cpt2026.zip"
    broken.write_bytes(b"PK\x03\x04 zorbital, not really an archive")
    assert refusal(broken).startswith("not a readable .zip archive")


def test_a_release_of_no_stated_year_asks_for_year(tmp_path: Path) -> None:
    path = tmp_path / "cpt.csv"
    path.write_bytes(CSV.read_bytes())
    assert refusal(path) == ("the files do not say which year's release they are: give it "
                             "with --year YYYY (2026: in force January 1 to December 31, 2026)")
    assert CPT.read(Source(path, path.name, "2026")).version == "2026"
    assert refusal(path, "26") == ("--year '26': a CPT release is named by its calendar year, "
                                   "e.g. --year 2026")
    both = tmp_path / "cpt 2025 to 2026.csv"
    both.write_bytes(CSV.read_bytes())
    assert refusal(both) == ("the files name several years (2025, 2026): say which release "
                             "this is with --year YYYY")
