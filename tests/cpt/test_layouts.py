"""Each layout of the AMA's CPT data files, and medcode's CSV, read from the synthetic fixtures:
what each file gives each code, and how the release is named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl  # type: ignore[import-untyped, unused-ignore]

from domain.parsed import Node, ParsedRelease
from domain.spec import Source
from systems.cpt.files import DataFile, Layout, open_release
from systems.cpt.layouts import read_fixed, read_long, read_table
from systems.cpt.modifiers import read_modifiers
from systems.cpt.spec import CPT

from ._data import CLINICIAN, CONSUMER, CSV, RELEASE, copy_release, zipped


def _file(path: Path, layout: Layout) -> DataFile:
    return DataFile(path.name, layout, path.read_bytes())


def _nodes(release: ParsedRelease) -> dict[str, Node]:
    return {n.code: n for n in release.nodes}


def test_long_descriptors_tab_delimited_in_windows_1252_after_the_notice() -> None:
    content = read_long(_file(RELEASE / "LONGULT.txt", Layout.LONG))
    assert len(content.descriptors) == 20
    first = content.descriptors[0]
    assert (first.code, first.kind, first.line) == ("00100", "OFFICIAL", 4)  # after 3 lines
    vaccine = next(d for d in content.descriptors if d.code == "0001A")
    assert "naïve" in vaccine.text  # byte 0xEF in Windows-1252
    assert content.years == {"2026"}  # the notice says "CPT 2026"


def test_a_notice_line_that_starts_with_a_five_letter_word_is_not_a_record(
        tmp_path: Path) -> None:
    path = tmp_path / "LONGULT.txt"
    path.write_bytes(b"These zorbital files are synthetic\r\nAbout 12345 zorbital codes\r\n\r\n"
                     b"96425\tZorbital drip\r\n")
    content = read_long(_file(path, Layout.LONG))
    assert [(d.code, d.line) for d in content.descriptors] == [("96425", 4)]


def test_medium_and_short_descriptors_are_fixed_width_and_trimmed() -> None:
    medium = read_fixed(_file(RELEASE / "MEDU.txt", Layout.MEDIUM)).descriptors
    short = read_fixed(_file(RELEASE / "SHORTU.txt", Layout.SHORT)).descriptors
    assert [d.kind for d in (medium[0], short[0])] == ["MEDIUM", "SHORT"]
    by_code = {d.code: d.text for d in medium}
    assert by_code["71045"] == "ZORBITAL CHEST PICTURE, ONE VIEW"  # padding to 48 dropped
    assert max(len(d.text) for d in medium) == 48 and max(len(d.text) for d in short) <= 28


def test_consumer_and_clinician_tables_skip_their_header() -> None:
    lay = read_table(_file(RELEASE / CONSUMER, Layout.CONSUMER)).descriptors
    assert len(lay) == 20 and lay[0].line == 2 and {d.kind for d in lay} == {"LAY"}
    clinician = read_table(_file(RELEASE / CLINICIAN, Layout.CLINICIAN)).descriptors
    assert [d.code for d in clinician] == ["96425", "96425", "96423", "99213"]
    assert {d.kind for d in clinician} == {"CLINICIAN"}


def test_the_tables_may_come_as_workbooks(tmp_path: Path) -> None:
    folder = copy_release(tmp_path)
    for name, layout in ((CONSUMER, Layout.CONSUMER), (CLINICIAN, Layout.CLINICIAN)):
        text = (folder / name).read_text(encoding="utf-8-sig")
        book = openpyxl.Workbook()
        for line in text.splitlines():
            book.active.append(line.split("\t"))
        book.save(folder / name.with_suffix(".xlsx"))
        (folder / name).unlink()
        rows = read_table(DataFile(name.with_suffix(".xlsx").name, layout,
                                   (folder / name.with_suffix(".xlsx")).read_bytes()))
        assert rows.descriptors[0].where.endswith(", row 2")
    from_books = _nodes(CPT.read(Source(folder, "books")))
    from_text = _nodes(CPT.read(Source(RELEASE, "text")))
    assert from_books["96425"].descriptions == from_text["96425"].descriptions


def test_modifiers_of_appendix_a_physical_status_outpatient_and_category_ii() -> None:
    content = read_modifiers(_file(RELEASE / "MODUL.txt", Layout.MODIFIERS))
    texts = {d.code: d.text for d in content.descriptors}
    assert list(texts) == ["25", "59", "P1", "P2", "27", "1P"]  # E1, E2: HCPCS Level II's
    assert texts["59"] == ("Zorbital distinct procedure marker: a zorbital procedure apart "
                           "from the other zorbital work of the day.")  # lines joined
    assert texts["25"].startswith("Zorbital separate visit marker: a visit")  # first list wins
    assert texts["P1"] == "A zorbital test patient in good health"
    assert texts["1P"] == ("Zorbital measure exclusion for medical reasons Zorbital reasons "
                           "include: Zorbital not indicated")
    assert content.years == {"2026"}


def test_a_folder_a_zip_and_the_csv_give_their_descriptors_to_each_code(tmp_path: Path) -> None:
    folder = CPT.read(Source(RELEASE, "folder"))
    archive = CPT.read(Source(zipped(RELEASE, tmp_path), "zip"))
    assert [(n.code, n.display, n.descriptions) for n in folder.nodes] == [
        (n.code, n.display, n.descriptions) for n in archive.nodes]
    code = _nodes(folder)["96425"]
    assert code.display.startswith("Zorbital test-agent delivery, into an artery; by drip for")
    assert [kind for kind, _ in code.descriptions] == [
        "MEDIUM", "SHORT", "LAY", "CLINICIAN", "CLINICIAN"]
    csv = _nodes(CPT.read(Source(CSV, CSV.name)))
    assert csv["96425"].display == code.display
    assert [kind for kind, _ in csv["96425"].descriptions] == [
        "MEDIUM", "SHORT", "LAY", "CLINICIAN", "CLINICIAN"]
    assert (csv["59"].level, csv["59"].display) == (
        "MODIFIER", "Zorbital distinct procedure marker, CSV wording")


def test_the_release_year_from_the_files_their_names_or_year() -> None:
    assert CPT.read(Source(RELEASE, "x")).version == "2026"  # the notices: "CPT 2026"
    assert CPT.read(Source(CSV, "x")).version == "2026"  # the name: cpt2026.csv
    release = CPT.read(Source(CSV, "x", "2027"))  # --year wins
    assert (release.version, release.effective_from, release.effective_to) == (
        "2027", date(2027, 1, 1), date(2027, 12, 31))


def test_only_the_files_of_the_layouts_are_read_from_a_folder(tmp_path: Path) -> None:
    folder = copy_release(tmp_path)
    (folder / "README.pdf").write_bytes(b"%PDF-1.4 zorbital")
    (folder / "LONGUF.txt").write_text("zorbital upper-case fixed-width variant\n")
    assert [f.layout for f in open_release(folder).files] == [
        Layout.CLINICIAN, Layout.CONSUMER, Layout.LONG, Layout.MEDIUM, Layout.MODIFIERS,
        Layout.SHORT]
