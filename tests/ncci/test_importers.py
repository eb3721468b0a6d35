"""The NCCI importers on the fixture files (CMS's layouts), in every form CMS ships them, on
SQLite and PostgreSQL; and the refusal of a layout they do not know, which loads nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select

from domain.ncci import (
    NcciAddOn,
    NcciKind,
    NcciMue,
    NcciPtp,
    NcciRationale,
    NcciRelease,
    NcciSetting,
    add_ons_of,
    loaded_quarters,
    mues_of,
    ptp_of,
    quarter_for,
)
from service.cli import main
from systems.ncci.errors import NcciFileError
from systems.ncci.load import load_file
from tests.databases import Databases
from tests.ncci.conftest import DATA, fresh_engine
from tests.ncci.forms import aoc_xlsx, cms_zip, mue_xlsx, ptp_xlsx
from tests.ncci.make_fixtures import aoc_rows, write_aoc_fixed

PTP_F1 = DATA / "ccipra-v322r0-f1.TXT"
PTP_F4 = DATA / "ccipra-v322r0-f4.TXT"
PTP_OPH = DATA / "ccioph-v322r0-f1.TXT"
PTP_Q2 = DATA / "ccipra-v321r0-f4.TXT"
MUE_PRA = DATA / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
MUE_OPH = DATA / "MCR_MUE_OutpatientHospitalServices_Eff_07-01-2026.csv"
MUE_DME = DATA / "MCR_MUE_DMESupplierServices_Eff_07-01-2026.csv"
AOC = DATA / "AOC_V2026Q3-F-MCR.txt"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    eng = fresh_engine(str(request.param), "ncci_load", databases)
    yield eng
    eng.dispose()


def wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (NcciPtp, NcciMue, NcciAddOn, NcciRelease, NcciRationale):
            conn.execute(delete(table))


@pytest.fixture(autouse=True)
def empty(engine: Engine) -> None:
    wipe(engine)


def count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def quarter(engine: Engine, kind: NcciKind, setting: NcciSetting,
            day: date | None = None) -> tuple[str, tuple[int, ...]]:
    with engine.connect() as conn:
        q = quarter_for(loaded_quarters(conn), kind, setting, day)
    assert q is not None
    return q.quarter, q.release_ids


# --- PTP -----------------------------------------------------------------------------------------


def test_ptp_text_part_loads_every_row_as_published(engine: Engine) -> None:
    result = load_file(engine, PTP_F1)
    assert result.loaded and result.rows == 154  # 160 lines, six of preamble
    assert (result.kind.kind, result.kind.setting, result.kind.quarter, result.kind.part,
            result.kind.version) == (NcciKind.PTP, NcciSetting.PRACTITIONER, "2026-Q3", "f1",
                                     "v322r0")
    name, ids = quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER)
    with engine.connect() as conn:
        rows = ptp_of(conn, ids, ["90473"])["90473"]
        both = ptp_of(conn, ids, ["0001A"])["0001A"]
    # 0001A / 90473: indicator 9, deleted the day it took effect
    assert [(r.column1, r.modifier_indicator, r.effective_from, r.deleted_on) for r in rows] == [
        ("0001A", 9, date(2022, 1, 1), date(2022, 1, 1))]
    assert rows[0].rationale == "CPT Manual or CMS manual coding instruction"
    assert len(both) == 62 and {r.column1 for r in both} == {"0001A"}
    assert count(engine, NcciRationale) == 4  # stored once each


def test_parts_of_one_quarter_are_one_release(engine: Engine) -> None:
    load_file(engine, PTP_F1)
    load_file(engine, PTP_F4)
    name, ids = quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER)
    assert name == "2026-Q3" and len(ids) == 2
    with engine.connect() as conn:
        found = ptp_of(conn, ids, ["0001A", "96413"])
    assert found["0001A"] and found["96413"]


def test_quarters_live_side_by_side(engine: Engine) -> None:
    load_file(engine, PTP_F4)
    load_file(engine, PTP_Q2)
    assert quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER)[0] == "2026-Q3"
    assert quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER,
                   date(2026, 5, 1))[0] == "2026-Q2"
    q2 = quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER, date(2026, 5, 1))[1]
    q3 = quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER, date(2026, 8, 1))[1]
    with engine.connect() as conn:
        before = ptp_of(conn, q2, ["G0403"])["G0403"]
        after = ptp_of(conn, q3, ["G0403"])["G0403"]
    assert [r.modifier_indicator for r in before] == [0]
    assert [r.modifier_indicator for r in after] == [1]


def test_hospital_outpatient_is_its_own_table(engine: Engine) -> None:
    result = load_file(engine, PTP_OPH)
    assert result.kind.setting == NcciSetting.OUTPATIENT and result.rows == 117
    with engine.connect() as conn:
        quarters = loaded_quarters(conn)
    assert quarter_for(quarters, NcciKind.PTP, NcciSetting.PRACTITIONER) is None


def test_ptp_workbook_reads_as_the_text(engine: Engine, tmp_path: Path) -> None:
    load_file(engine, PTP_F4)
    with engine.connect() as conn:
        ids = quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER)[1]
        text_rows = ptp_of(conn, ids, ["96413", "G0008", "E0105"])
    wipe(engine)
    result = load_file(engine, ptp_xlsx(PTP_F4, tmp_path))
    assert result.loaded and result.rows == 158
    with engine.connect() as conn:
        ids = quarter(engine, NcciKind.PTP, NcciSetting.PRACTITIONER)[1]
        assert ptp_of(conn, ids, ["96413", "G0008", "E0105"]) == text_rows


def test_zip_as_cms_ships_it(engine: Engine, tmp_path: Path) -> None:
    sheet = ptp_xlsx(PTP_F1, tmp_path)
    archive = cms_zip(tmp_path, "ccipra-v322r0-f1.zip", [PTP_F1, sheet])
    result = load_file(engine, archive)
    assert result.loaded and result.rows == 154 and result.file == "ccipra-v322r0-f1.TXT"
    mue = load_file(engine, cms_zip(tmp_path, "MCR_MUE_PractitionerServices_Eff_07-01-2026.zip",
                                    [MUE_PRA]))
    assert mue.loaded and mue.kind.kind == NcciKind.MUE


def test_a_zip_of_only_the_workbook(engine: Engine, tmp_path: Path) -> None:
    sheet = ptp_xlsx(PTP_F4, tmp_path)
    result = load_file(engine, cms_zip(tmp_path, "ccipra-v322r0-f4.zip", [sheet]))
    assert result.loaded and result.rows == 158 and result.file.endswith(".xlsx")


def test_loaded_twice_is_a_no_op_and_force_replaces(engine: Engine) -> None:
    load_file(engine, PTP_F1)
    again = load_file(engine, PTP_F1)
    assert not again.loaded and again.rows == 154
    forced = load_file(engine, PTP_F1, force=True)
    assert forced.loaded and count(engine, NcciPtp) == 154 and count(engine, NcciRelease) == 1


# --- MUE -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "setting", "rows"), [
    (MUE_PRA, NcciSetting.PRACTITIONER, 212), (MUE_OPH, NcciSetting.OUTPATIENT, 168),
    (MUE_DME, NcciSetting.DME, 106)])
def test_mue_tables(engine: Engine, path: Path, setting: NcciSetting, rows: int) -> None:
    result = load_file(engine, path)
    assert result.loaded and result.kind.setting == setting and result.rows == rows
    assert result.kind.quarter == "2026-Q3"


def test_mue_values_and_indicators_as_published(engine: Engine) -> None:
    load_file(engine, MUE_PRA)
    ids = quarter(engine, NcciKind.MUE, NcciSetting.PRACTITIONER)[1]
    with engine.connect() as conn:
        found = mues_of(conn, ids, ["0001U", "0002M", "0009U", "J9035", "A4550"])
    assert (found["0001U"].value, found["0001U"].adjudication_indicator,
            found["0001U"].rationale) == (1, 2, "Code Descriptor / CPT Instruction")
    assert (found["0002M"].adjudication_indicator, found["0002M"].rationale) == (
        3, "Nature of Analyte")
    assert found["0009U"].value == 2
    assert (found["J9035"].value, found["J9035"].adjudication_indicator) == (180, 3)
    assert found["A4550"].adjudication_indicator == 1


@pytest.mark.parametrize("notice", [True, False])
def test_mue_workbook_with_or_without_the_notice_row(engine: Engine, tmp_path: Path,
                                                     notice: bool) -> None:
    result = load_file(engine, mue_xlsx(MUE_PRA, tmp_path, notice=notice))
    assert result.loaded and result.rows == 212


def test_mue_value_that_is_not_a_number_is_tolerated(engine: Engine, tmp_path: Path) -> None:
    text = MUE_PRA.read_bytes().replace(b"J9035,180,", b"J9035,N/A,")
    path = tmp_path / MUE_PRA.name
    path.write_bytes(text)
    assert load_file(engine, path).rows == 212
    ids = quarter(engine, NcciKind.MUE, NcciSetting.PRACTITIONER)[1]
    with engine.connect() as conn:
        assert mues_of(conn, ids, ["J9035"])["J9035"].value is None


# --- add-on code edits -----------------------------------------------------------------------


def test_aoc_fixed_width(engine: Engine) -> None:
    result = load_file(engine, AOC)
    assert result.loaded and result.rows == 36 and result.kind.setting == NcciSetting.ALL
    ids = quarter(engine, NcciKind.AOC, NcciSetting.ALL)[1]
    with engine.connect() as conn:
        edits = add_ons_of(conn, ids, ["96423", "96417", "G0453", "96413"])
    assert [(e.edit_type, e.primary_code) for e in edits["96423"]] == [(1, "96422")]
    assert [e.primary_code for e in edits["96417"]] == ["96413", "96409"]
    ended = edits["96417"][1]
    assert (ended.primary_deleted_on, ended.deleted_on) == (date(2020, 12, 31),
                                                            date(2020, 12, 31))
    assert edits["96417"][0].effective_from == date(2009, 1, 1)
    assert [(e.edit_type, e.primary_code) for e in edits["G0453"]] == [(2, "CCCCC")]
    assert "96413" not in edits  # a primary, not an add-on


def test_aoc_fixed_width_with_a_header_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / AOC.name
    write_aoc_fixed(path, aoc_rows(), header="AOC_Edit_Type Add-On_Code AOC_DelDT Primary_Code "
                    "Primary_Code_DelDT AOC_Edit_EffDT AOC_Edit_DelDT Special_Instruction_Notes")
    assert load_file(engine, path).rows == 36


@pytest.mark.parametrize(("notice", "julian"), [(False, False), (True, False), (False, True)])
def test_aoc_workbook(engine: Engine, tmp_path: Path, notice: bool, julian: bool) -> None:
    result = load_file(engine, aoc_xlsx(tmp_path, notice=notice, julian_suffix=julian))
    assert result.loaded and result.rows == 36
    ids = quarter(engine, NcciKind.AOC, NcciSetting.ALL)[1]
    with engine.connect() as conn:
        edits = add_ons_of(conn, ids, ["96417"])["96417"]
    assert edits[1].deleted_on == date(2020, 12, 31)


# --- refusals: a layout it does not know loads nothing -----------------------------------------


def _edited(tmp_path: Path, source: Path, old: bytes, new: bytes) -> Path:
    data = source.read_bytes()
    assert old in data
    path = tmp_path / source.name
    path.write_bytes(data.replace(old, new, 1))
    return path


REFUSALS = [
    ("ptp renamed column", PTP_F4, b"Column 2\t", b"Column Two\t", "unknown PTP layout: line 3"),
    ("ptp new preamble line", PTP_F4, b"Column1/Column2 Edits",
     b"Effective July 1, 2026\t\t\t\t\t\t\r\nColumn1/Column2 Edits",
     "unknown PTP layout: line 2"),
    ("ptp no notice", PTP_F4, b"CPT only copyright", b"CPT copyright", "not a PTP edit file"),
    ("ptp bad row late", PTP_F4, b"J9060\tJ7050\t\t20100101", b"J9060\tJ7050\t\t2010-01-01",
     "not a date YYYYMMDD"),
    ("ptp bad indicator", PTP_F4, b"\t20090101\t*\t0\t", b"\t20090101\t*\t2\t",
     "modifier indicator '2'"),
    ("mue renamed column", MUE_PRA, b"MUE Rationale", b"Rationale", "unknown MUE layout"),
    ("mue other table's header", MUE_PRA, b"Practitioner Services MUE Values",
     b"Outpatient Hospital Services MUE Values", "unknown MUE layout"),
    ("mue new preamble", MUE_PRA, b'"HCPCS/', b'Effective 07/01/2026,,,\r\n"HCPCS/',
     "unknown MUE layout"),
    ("mue unknown indicator", MUE_PRA, b"J9035,180,3 Date of Service Edit: Clinical",
     b"J9035,180,4 Date of Service Edit: Other", "MUE adjudication indicator"),
    ("aoc bad line", AOC, b"196423", b"496423", "AOC edit type '4'"),
    ("aoc bad julian", AOC, b"2009001", b"2009400", "not a Julian date"),
]


@pytest.mark.parametrize(("case", "source", "old", "new", "says"), REFUSALS,
                         ids=[r[0] for r in REFUSALS])
def test_changed_layout_stops_and_loads_nothing(engine: Engine, tmp_path: Path, case: str,
                                                source: Path, old: bytes, new: bytes,
                                                says: str) -> None:
    load_file(engine, PTP_Q2)  # what is there stays there
    before = (count(engine, NcciRelease), count(engine, NcciPtp))
    with pytest.raises(NcciFileError) as caught:
        load_file(engine, _edited(tmp_path, source, old, new))
    message = str(caught.value)
    assert says in message and "\n" not in message
    assert (count(engine, NcciRelease), count(engine, NcciPtp)) == before
    assert count(engine, NcciMue) == 0 and count(engine, NcciAddOn) == 0


def test_renamed_workbook_column_is_refused(engine: Engine, tmp_path: Path) -> None:
    header = ["AOC_Edit_Type", "AddOn_Code", "AOC_DelDT", "Primary_Code", "Primary_Code_DelDT",
              "AOC_Edit_EffDT", "AOC_Edit_DelDT", "Special_Instruction_Notes"]
    with pytest.raises(NcciFileError, match="unknown AOC layout"):
        load_file(engine, aoc_xlsx(tmp_path, header=header))
    assert count(engine, NcciRelease) == 0


def test_unknown_file_name(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "edits.txt"
    path.write_bytes(PTP_F4.read_bytes())
    with pytest.raises(NcciFileError, match="unknown file name"):
        load_file(engine, path)


# --- the command ---------------------------------------------------------------------------------


def test_command_loads_and_refuses_in_one_line(engine: Engine, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from domain.settings import get_settings

    url = engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
    monkeypatch.setenv("MEDCODE_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        main(["seed", "ncci", "--file", str(AOC)])
        assert "Loaded NCCI AOC 2026-Q3 from AOC_V2026Q3-F-MCR.txt: 36 rows." in (
            capsys.readouterr().out)
        main(["seed", "ncci", "--file", str(AOC)])
        assert "already loaded" in capsys.readouterr().out
        bad = _edited(tmp_path, MUE_PRA, b"MUE Rationale", b"Rationale")
        with pytest.raises(SystemExit) as caught:
            main(["seed", "ncci", "--file", str(bad)])
        assert caught.value.code == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("medcode: ") and err.endswith("nothing was loaded")
        assert "unknown MUE layout" in err and "\n" not in err
        assert count(engine, NcciMue) == 0
    finally:
        get_settings.cache_clear()
