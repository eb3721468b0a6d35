"""``medcode seed cpt``: the operator's own release by folder, archive or CSV, named by the
files or by ``--year``, idempotent; a bad file refused with one line and nothing loaded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from domain.db import make_engine
from domain.models import Release
from domain.settings import Settings
from tests.cli import run_cli

from ._data import CSV, copy_release, edit_line, zipped


def releases(db: Path) -> list[tuple[str, str]]:
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(col(Release.system_id), col(Release.version))
                                .order_by(col(Release.version)))
            return [(system, version) for system, version in rows]
    finally:
        engine.dispose()


def test_a_release_folder_loads_once_and_an_archive_of_it_is_the_same(tmp_path: Path) -> None:
    db = tmp_path / "medcode.db"
    folder = copy_release(tmp_path)
    first = run_cli("seed", "cpt", "--file", str(folder), db=db)
    assert first.returncode == 0, first.stderr
    assert "Loaded CPT 2026: 46 items, 20 billable codes, 16 note references." in first.stdout
    again = run_cli("seed", "cpt", "--file", str(zipped(folder, tmp_path)), db=db)
    assert again.returncode == 0 and "CPT 2026 is already loaded" in again.stdout
    assert releases(db) == [("CPT", "2026")]


def test_the_csv_layout_loads_as_the_year_given(tmp_path: Path) -> None:
    db = tmp_path / "medcode.db"
    done = run_cli("seed", "cpt", "--file", str(CSV), "--year", "2027", db=db)
    assert done.returncode == 0, done.stderr
    assert "Loaded CPT 2027: 19 items, 8 billable codes" in done.stdout
    assert releases(db) == [("CPT", "2027")]


def test_a_bad_row_is_one_line_and_nothing_is_loaded(tmp_path: Path) -> None:
    db = tmp_path / "medcode.db"
    folder = copy_release(tmp_path)
    edit_line(folder / "SHORTU.txt", 9, "9642Z ZORB BAD")
    bad = run_cli("seed", "cpt", "--file", str(folder), db=db)
    assert bad.returncode == 1 and bad.stdout.count("Loaded") == 0
    assert bad.stderr.strip().splitlines() == [
        f"medcode: {folder}: SHORTU.txt, line 9: '9642Z' is not a CPT code (five digits, or "
        "four digits and A, F, M, T or U); nothing was loaded"]
    assert releases(db) == []


def test_no_file_no_year_and_a_missing_path_say_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "medcode.db"
    none = run_cli("seed", "cpt", db=db)
    assert none.returncode == 1
    assert none.stderr.strip().endswith(
        "medcode ships no CPT release: load your own with `medcode seed cpt --file PATH`")
    unnamed = tmp_path / "descriptors.csv"
    unnamed.write_bytes(CSV.read_bytes())
    asked = run_cli("seed", "cpt", "--file", str(unnamed), db=db)
    assert asked.returncode == 1 and "give it with --year YYYY" in asked.stderr
    missing = run_cli("seed", "cpt", "--file", str(tmp_path / "nowhere"), db=db)
    assert missing.returncode == 1 and "no such file" in missing.stderr
    assert releases(db) == []
