"""The load is all or nothing, idempotent, and refuses bad files without touching the database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from domain.db import make_engine
from domain.models import Code, RelatedCode, Release
from domain.settings import Settings
from seed import load as load_module
from seed.load import load_release
from service.migrate import upgrade
from systems.icd10cm import importer as icd10cm
from systems.icd10cm.spec import ICD10CM
from systems.icd10cm.tabular import Node, Tabular
from tests.cli import run_cli
from tests.databases import excerpt

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tabular() -> Tabular:
    """An excerpt of the FY2026 tabular (a few hundred codes, every convention): what holds
    of a load holds whatever its size, and the full release is the robustness suite's."""
    return excerpt()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, tabular: Tabular) -> Iterator[Engine]:
    """A separate SQLite database, loaded once for this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'medcode.db'}"
    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    first = load_release(engine, ICD10CM, parsed=tabular)
    assert first.loaded and first.billable_count == tabular.billable_count > 200
    yield engine
    engine.dispose()


def snapshot(engine: Engine) -> tuple[int, int, int, list[str]]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Code)).scalar_one(),
            conn.execute(select(func.count()).select_from(RelatedCode)).scalar_one(),
            conn.execute(select(func.max(Code.id))).scalar_one(),
            list(conn.execute(select(Release.version).order_by(Release.version)).scalars()),
        )


def test_second_load_is_a_no_op(loaded: Engine, tabular: Tabular) -> None:
    before = snapshot(loaded)
    again = load_release(loaded, ICD10CM, parsed=tabular)
    assert not again.loaded
    assert snapshot(loaded) == before


def test_force_replaces_the_release(loaded: Engine, tabular: Tabular) -> None:
    before = snapshot(loaded)
    with loaded.connect() as conn:
        stamp = conn.execute(select(Release.loaded_at)).scalar_one()
    result = load_release(loaded, ICD10CM, parsed=tabular, force=True)
    assert result.loaded
    assert snapshot(loaded) == before  # the same rows again, nothing doubled
    with loaded.connect() as conn:
        assert conn.execute(select(Release.loaded_at)).scalar_one() > stamp


def test_a_failure_midway_leaves_the_database_as_it_was(
    loaded: Engine, tabular: Tabular, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after the codes are written (building the search documents) rolls it all back."""
    before = snapshot(loaded)

    def crash(*_args: object) -> None:
        raise RuntimeError("simulated crash during the load")

    monkeypatch.setattr(load_module, "search_rows", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        load_release(loaded, ICD10CM, parsed=tabular, force=True)
    assert snapshot(loaded) == before


def test_a_constraint_violation_rolls_back(loaded: Engine, tabular: Tabular) -> None:
    before = snapshot(loaded)
    dup = Node(code="A00", key="A00", display="dup", level="CATEGORY", parent=None,
               billable=True)
    bad = Tabular(version="2030", effective_from=tabular.effective_from,
                  nodes=[*tabular.nodes[:100], dup])
    with pytest.raises(Exception):  # noqa: B017 - the driver's IntegrityError
        load_release(loaded, ICD10CM, parsed=bad)
    assert snapshot(loaded) == before


BAD_FILES = {
    "truncated.xml": lambda real: real[: len(real) // 3],
    "empty.xml": lambda real: b"",
    "wrong-root.xml": lambda real: b"<?xml version='1.0'?><ICD10PCS.tabular/>",
    "no-version.xml": lambda real: b"<ICD10CM.tabular><chapter/></ICD10CM.tabular>",
    "binary.xml": lambda real: bytes(range(256)) * 10,
    "index.xml": lambda real: b"<ICD10CM.index><version>2026</version></ICD10CM.index>",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_one_line_and_change_nothing(tmp_path: Path, name: str) -> None:
    real = icd10cm.bundled_source().path.read_bytes()
    bad = tmp_path / name
    bad.write_bytes(BAD_FILES[name](real))
    db = tmp_path / "medcode.db"
    result = run_cli("seed", "icd10cm", "--file", str(bad), db=db)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("medcode: "), result.stderr
    assert "Traceback" not in result.stderr and "nothing was loaded" in lines[0]
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Release)).scalar_one() == 0
    engine.dispose()


def test_missing_file_and_unreachable_database(tmp_path: Path) -> None:
    missing = run_cli("seed", "icd10cm", "--file", str(tmp_path / "nope.xml"),
                      db=tmp_path / "m.db")
    assert missing.returncode == 1 and "no such file" in missing.stderr
    env = {**os.environ, "MEDCODE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    down = subprocess.run([sys.executable, "-m", "service.cli", "migrate"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)
    assert down.returncode == 1
    assert down.stderr.startswith("medcode: cannot reach the database")
    assert "Traceback" not in down.stderr
