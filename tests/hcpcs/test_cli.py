"""``medcode seed hcpcs``: the operator's next quarter by file, idempotent, and bad files refused
with one line and nothing loaded."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.db import make_engine
from domain.models import Release
from domain.settings import Settings
from tests.cli import run_cli

from ._data import JAN_TXT


def releases(db: Path) -> list[tuple[str, str]]:
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(  # type: ignore[misc]
                select(Release.system_id, Release.version).order_by(Release.version))]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def january() -> bytes:
    return gzip.decompress(JAN_TXT.read_bytes())


def test_a_quarter_loads_by_file_name_once(tmp_path: Path, january: bytes) -> None:
    """The next quarter as an operator gets it (here: January's records named as April's)."""
    april = tmp_path / "HCPC2026_APR_ANWEB.txt"
    april.write_bytes(january)
    db = tmp_path / "medcode.db"
    first = run_cli("seed", "hcpcs", "--file", str(april), db=db)
    assert first.returncode == 0, first.stderr
    assert "Loaded HCPCS Level II 2026-04: 9,041 items, 7,323 billable codes" in first.stdout
    again = run_cli("seed", "hcpcs", "--file", str(april), db=db)
    assert again.returncode == 0 and "already loaded" in again.stdout
    assert releases(db) == [("HCPCS", "2026-04")]


BAD = {
    "HCPC2026_APR_ANWEB_truncated.txt": lambda real: real[:100_000] + b"\r\n",
    "HCPC2026_APR_ANWEB_latin1.txt": lambda real: real.replace(b"Dressing", b"Dr\xe9ssing", 1),
    "HCPC2026_APR_ANWEB_unknown.txt": lambda real: real.replace(b"A1001007", b"A1001009", 1),
    "HCPC2026_APR_ANWEB_empty.txt": lambda real: b"",
    "HCPC2026_APR_ANWEB.xlsx": lambda real: real[:5000],
    "notes_from_cms.txt": lambda real: real,  # no quarter in the name
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_get_one_line_and_change_nothing(tmp_path: Path, january: bytes,
                                                   name: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(BAD[name](january))
    db = tmp_path / "medcode.db"
    result = run_cli("seed", "hcpcs", "--file", str(bad), db=db)
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("medcode: "), result.stderr
    assert "Traceback" not in result.stderr and "nothing was loaded" in lines[0]
    assert releases(db) == []
