"""A load killed with SIGKILL midway leaves the previous data intact, and the next start
recovers on its own (no manual step: ``medcode seed``/``migrate`` and the app just work).

The load runs as ``medcode seed icd10cm`` in a subprocess against a database that already holds
the release, and is killed once it is writing: on SQLite when its write-ahead log has grown
(the reload has deleted the old release and is inserting the new one), on PostgreSQL when its
connection is inserting codes. (Bad, truncated and wrong files are tests/seed/test_load.py's.)
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from domain.db import make_engine
from domain.settings import Settings
from service.app import create_app
from systems.icd10cm import importer as icd10cm
from tests.robustness.conftest import (
    SAMPLE_CODES,
    record,
    run_cli,
    snapshot,
    start_cli,
    wait_for,
)

MB = 1_000_000
CODE = '{ code(system: ICD10CM, code: "E11.9") { code display } }'


def kill_when(proc: subprocess.Popen[bytes], writing: Callable[[], bool], what: str) -> None:
    wait_for(lambda: proc.poll() is not None or writing(), what, every=0.02)
    assert proc.poll() is None, f"the load finished before it could be killed ({what})"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL


def assert_serves(url: str) -> None:
    """A fresh app on the database answers healthz and a lookup: the next start recovers."""
    settings = Settings(database_url=url)
    engine = make_engine(settings)
    try:
        with TestClient(create_app(settings, engine)) as client:
            health = client.get("/healthz")
            assert health.status_code == 200, health.text
            response = client.post("/graphql", json={"query": CODE})
            assert response.status_code == 200
            assert response.json()["data"]["code"]["code"] == "E11.9"
    finally:
        engine.dispose()


def check_recovery(url: str, engine: Engine, before: dict[str, object], *,
                   seed: bool) -> None:
    """What ``medcode serve`` does at start (migrate, find the release, serve) works on the
    database as the kill left it; with ``seed``, so does ``medcode seed icd10cm``."""
    assert snapshot(engine) == before
    migrate = run_cli("migrate", database_url=url)
    assert migrate.returncode == 0, migrate.stderr
    if seed:
        again = run_cli("seed", "icd10cm", database_url=url)
        assert again.returncode == 0, again.stderr
        assert "already loaded" in again.stdout
    assert snapshot(engine) == before
    assert_serves(url)


def test_sqlite_reload_killed_while_inserting(loaded_sqlite: Path) -> None:
    url = f"sqlite:///{loaded_sqlite}"
    engine = make_engine(Settings(database_url=url))
    before = snapshot(engine)
    assert len(before["sample"]) == len(SAMPLE_CODES)  # type: ignore[arg-type]
    engine.dispose()
    wal = Path(f"{loaded_sqlite}-wal")

    proc = start_cli("seed", "icd10cm", "--force", database_url=url)
    # The old release is deleted first (~26 MB of log); 40 MB means codes are going in.
    kill_when(proc, lambda: wal.exists() and wal.stat().st_size > 40 * MB,
              "the reload to write 40 MB of log")

    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        check_recovery(url, engine, before, seed=False)
    finally:
        engine.dispose()
    record("sqlite", "`medcode seed icd10cm --force` SIGKILLed while inserting", 1,
           "previous release intact (counts, sample codes, integrity_check ok); "
           "migrate and the app work")


def test_sqlite_new_release_killed_then_loaded(loaded_sqlite: Path, tmp_path: Path) -> None:
    """A load of another fiscal year (a copy of the tabular with <version>2027</version>),
    killed as soon as it writes, leaves no trace; running it again loads it."""
    source = icd10cm.bundled_source().path.read_bytes()
    assert source.count(b"<version>2026</version>") == 1
    fy2027 = tmp_path / "icd10cm-tabular-2027.xml"
    fy2027.write_bytes(source.replace(b"<version>2026</version>", b"<version>2027</version>"))
    url = f"sqlite:///{loaded_sqlite}"
    engine = make_engine(Settings(database_url=url))
    before = snapshot(engine)
    engine.dispose()
    wal = Path(f"{loaded_sqlite}-wal")

    proc = start_cli("seed", "icd10cm", "--file", str(fy2027), database_url=url)
    kill_when(proc, lambda: wal.exists() and wal.stat().st_size > 0, "the load to write")

    engine = make_engine(Settings(database_url=url))
    try:
        assert snapshot(engine) == before  # no 2027 release, nothing else touched
        done = run_cli("seed", "icd10cm", "--file", str(fy2027), database_url=url)
        assert done.returncode == 0, done.stderr
        assert "Loaded ICD-10-CM 2027" in done.stdout
        after = snapshot(engine)
        assert [r[1] for r in after["releases"]] == ["2026", "2027"]  # type: ignore[union-attr]
        assert after["sample"] == before["sample"]
    finally:
        engine.dispose()
    assert_serves(url)
    record("sqlite", "load of another release (FY2027 copy) SIGKILLed once writing", 1,
           "no trace of it; the same command then loads it; the app serves")


def test_postgres_reload_killed_while_inserting(robust_pg_url: str) -> None:
    url = robust_pg_url
    engine = make_engine(Settings(database_url=url))
    database = make_url(url).database
    try:
        before = snapshot(engine)

        def inserting_codes() -> bool:
            with engine.connect() as conn:
                return conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> "
                    "pg_backend_pid() AND query ILIKE 'INSERT INTO code (%'"), {"d": database},
                ).scalar_one() > 0

        proc = start_cli("seed", "icd10cm", "--force", database_url=url)
        kill_when(proc, inserting_codes, "the reload to insert codes")
        check_recovery(url, engine, before, seed=False)
    finally:
        engine.dispose()
    record("postgresql", "`medcode seed icd10cm --force` SIGKILLed while inserting", 1,
           "previous release intact (counts, sample codes); migrate and the app work")
