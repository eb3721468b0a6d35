"""``medcode seed pfs --file PATH [--force]``: a load, a no-op reload, a forced one, and a broken
file refused with one line on stderr and nothing loaded (SQLite, as an operator runs it)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from domain.db import make_engine
from domain.settings import Settings
from tests.cli import run_cli

from .conftest import EXCERPT


def loaded(db: Path) -> list[tuple[int, str, int, int]]:
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    try:
        with engine.connect() as conn:
            return [(r[0], r[1], r[2], r[3]) for r in conn.execute(text(
                "SELECT r.id, r.version, r.row_count, (SELECT count(*) FROM pfs_rate p "
                "WHERE p.release_id = r.id) FROM pfs_release r ORDER BY r.id"))]
    finally:
        engine.dispose()


def test_seed_pfs_loads_once_and_reloads_when_forced(tmp_path: Path) -> None:
    db = tmp_path / "medcode.db"
    first = run_cli("seed", "pfs", "--file", str(EXCERPT), db=db)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "Loaded PFS 2025-10 (in force from 2025-10-01): 284 rows.\n"
    again = run_cli("seed", "pfs", "--file", str(EXCERPT), db=db)
    assert again.returncode == 0 and "PFS 2025-10 is already loaded (284 rows)" in again.stdout
    (before,) = loaded(db)
    forced = run_cli("seed", "pfs", "--file", str(EXCERPT), "--force", db=db)
    assert forced.returncode == 0, forced.stderr
    (after,) = loaded(db)
    assert after[1:] == before[1:] == ("2025-10", 284, 284) and after[0] != before[0]


def test_a_broken_file_is_refused_in_one_line_and_loads_nothing(tmp_path: Path) -> None:
    db = tmp_path / "medcode.db"
    lines = EXCERPT.read_bytes().split(b"\r\n")
    lines[200] = lines[200].replace(b",32.3465,", b",thirty-two,")
    broken = tmp_path / "PPRRVU2025_Oct.csv"
    broken.write_bytes(b"\r\n".join(lines))
    refused = run_cli("seed", "pfs", "--file", str(broken), db=db)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        "medcode: PPRRVU2025_Oct.csv: line 201: conversion factor 'thirty-two' is not a number "
        "of the layout's form; nothing was loaded\n")
    assert loaded(db) == []
    missing = run_cli("seed", "pfs", "--file", str(tmp_path / "absent.csv"), db=db)
    assert missing.returncode == 1
    assert missing.stderr == f"medcode: no such file: {tmp_path / 'absent.csv'}\n"
