"""Bad files: each reader raises PcsFileError with one line naming the file and the fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from systems.icd10pcs.definitions import read_definitions
from systems.icd10pcs.errors import PcsFileError
from systems.icd10pcs.index import read_index
from systems.icd10pcs.tables import read_tables

HEAD = ("<axis pos='1' values='1'><title>Section</title><label code='0'>Medical and Surgical"
        "</label></axis><axis pos='2' values='1'><title>Body System</title>"
        "<label code='D'>Gastrointestinal System</label></axis><axis pos='3' values='1'>"
        "<title>Operation</title><label code='T'>Resection</label></axis>")
ROW_AXES = {
    4: "<axis pos='4'><title>Body Part</title><label code='J'>Appendix</label></axis>",
    5: "<axis pos='5'><title>Approach</title><label code='4'>Percutaneous Endoscopic</label>"
       "</axis>",
    6: "<axis pos='6'><title>Device</title><label code='Z'>No Device</label></axis>",
    7: "<axis pos='7'><title>Qualifier</title><label code='Z'>No Qualifier</label></axis>",
}


def _tables_file(tmp_path: Path, table: str, name: str = "icd10pcs_tables_2099.xml") -> Path:
    path = tmp_path / name
    path.write_text("<?xml version='1.0'?><ICD10PCS.tabular><version>2099</version>"
                    f"<title>2099 ICD-10-PCS Tables</title>{table}</ICD10PCS.tabular>")
    return path


def _row(**replace: str) -> str:
    axes = {f"a{pos}": text for pos, text in ROW_AXES.items()} | replace
    return f"<pcsRow>{''.join(axes.values())}</pcsRow>"


def _fails(path: Path, reader: Callable[[Path], object], *expected: str) -> str:
    with pytest.raises(PcsFileError) as caught:
        reader(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    for text in expected:
        assert text in message, message
    return message


def test_a_good_small_file_reads(tmp_path: Path) -> None:
    release = read_tables(_tables_file(tmp_path, f"<pcsTable>{HEAD}{_row()}</pcsTable>"))
    assert [table.code for table in release.tables] == ["0DT"]


def test_not_xml(tmp_path: Path) -> None:
    path = tmp_path / "tables.xml"
    path.write_text("code,title\n0DTJ4ZZ,Resection of Appendix\n")
    _fails(path, read_tables, "not well-formed XML")


def test_not_gzip_behind_a_gz_name(tmp_path: Path) -> None:
    path = tmp_path / "tables.xml.gz"
    path.write_text("<ICD10PCS.tabular/>")
    _fails(path, read_tables, "not a gzip file")


def test_missing_file(tmp_path: Path) -> None:
    _fails(tmp_path / "absent.xml", read_tables, "no such file")


def test_wrong_root(tmp_path: Path) -> None:
    path = tmp_path / "icd10pcs_definitions_2026.xml"
    path.write_text("<ICD10PCS.definitions><version>2026</version></ICD10PCS.definitions>")
    _fails(path, read_tables, "root element is <ICD10PCS.definitions>", "<ICD10PCS.tabular>")


def test_no_table(tmp_path: Path) -> None:
    _fails(_tables_file(tmp_path, ""), read_tables, "no <pcsTable>")


def test_table_without_rows(tmp_path: Path) -> None:
    _fails(_tables_file(tmp_path, f"<pcsTable>{HEAD}</pcsTable>"), read_tables,
           "table 0DT has no <pcsRow>")


def test_row_axis_without_values(tmp_path: Path) -> None:
    empty = "<axis pos='5' values='0'><title>Approach</title></axis>"
    _fails(_tables_file(tmp_path, f"<pcsTable>{HEAD}{_row(a5=empty)}</pcsTable>"), read_tables,
           "table 0DT row 1: axis 5 has no values")


def test_table_axis_without_values(tmp_path: Path) -> None:
    head = HEAD.replace("<label code='T'>Resection</label>", "")
    _fails(_tables_file(tmp_path, f"<pcsTable>{head}{_row()}</pcsTable>"), read_tables,
           "axis 3 has no values")


def test_value_of_the_wrong_length(tmp_path: Path) -> None:
    long = "<axis pos='4'><title>Body Part</title><label code='JJ'>Appendix</label></axis>"
    _fails(_tables_file(tmp_path, f"<pcsTable>{HEAD}{_row(a4=long)}</pcsTable>"), read_tables,
           "value 'JJ' is not one character", "7 characters")


def test_row_missing_a_position(tmp_path: Path) -> None:
    _fails(_tables_file(tmp_path, f"<pcsTable>{HEAD}{_row(a7='')}</pcsTable>"), read_tables,
           "no axis 7", "7 characters")


def test_row_whose_declared_count_is_wrong(tmp_path: Path) -> None:
    row = _row().replace("<pcsRow>", "<pcsRow codes='3'>")
    _fails(_tables_file(tmp_path, f"<pcsTable>{HEAD}{row}</pcsTable>"), read_tables,
           "says it has 3 codes but its axes allow 1")


def test_letter_o_is_no_pcs_character(tmp_path: Path) -> None:
    bad = "<axis pos='6'><title>Device</title><label code='O'>Oops</label></axis>"
    _fails(_tables_file(tmp_path, f"<pcsTable>{HEAD}{_row(a6=bad)}</pcsTable>"), read_tables,
           "not a PCS character")


def test_definitions_and_index_readers_check_their_root(tmp_path: Path) -> None:
    tables = _tables_file(tmp_path, f"<pcsTable>{HEAD}{_row()}</pcsTable>")
    _fails(tables, read_definitions, "expected <ICD10PCS.definitions>")
    _fails(tables, read_index, "expected <ICD10PCS.index>")
    empty = tmp_path / "definitions.xml"
    empty.write_text("<ICD10PCS.definitions><version>2026</version></ICD10PCS.definitions>")
    _fails(empty, read_definitions, "no <section>")
    index = tmp_path / "index.xml"
    index.write_text("<ICD10PCS.index><letter><title>A</title><mainTerm><title>Appendectomy"
                     "</title><see>Resection, Appendix<codes>0D-J</codes></see></mainTerm>"
                     "</letter></ICD10PCS.index>")
    _fails(index, read_index, "'Appendectomy' points at '0D-J'")
