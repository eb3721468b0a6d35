"""A load killed with SIGKILL midway leaves the previous data intact, and the next start
recovers on its own (no manual step: ``medcode seed``/``migrate`` and the app just work).

The load runs as ``medcode seed icd10cm`` in a subprocess whose stderr is a pseudo-terminal, so
that it draws its progress bar as a user sees it; it is killed once the bar shows it inserting
codes (the ``Codes`` phase: the release's transaction is open and a batch of codes is in it).
The databases hold the small FY2026 release (``conftest.small_tabular``: chapters 19 and 20
left out), and the loads are of that file: the same code path at a third of the cost. (Bad,
truncated and wrong files are tests/seed/test_load.py's.)
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from domain.db import make_engine
from domain.settings import Settings
from service.app import create_app
from tests.cli import medcode
from tests.robustness.conftest import (
    ROOT,
    SAMPLE_CODES,
    cli_env,
    record,
    snapshot,
    wait_for,
)

CODE = '{ code(system: ICD10CM, code: "E11.9") { code display } }'
INSERTING = "Codes"  # the progress bar's phase while code rows go in (seed.load.write_release)


@contextmanager
def killed_while_inserting(*args: str, database_url: str) -> Iterator[None]:
    """Run ``medcode ARGS`` with its progress bar on a pseudo-terminal and SIGKILL it as soon
    as the bar shows it inserting codes; fail if it finished first."""
    controller, terminal = pty.openpty()
    env = {**cli_env(database_url=database_url), "TERM": "xterm", "COLUMNS": "160"}
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", *args], env=env, cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    drawn = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child's end is closed
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for(lambda: proc.poll() is not None or INSERTING.encode() in drawn,
                 "the load to insert codes", every=0.01)
        assert proc.poll() is None, (
            f"the load ended before it could be killed: {bytes(drawn[-500:])!r}")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        yield
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=10)
        os.close(controller)


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


def snapshot_of(url: str) -> dict[str, object]:
    engine = make_engine(Settings(database_url=url))
    try:
        taken = snapshot(engine)
    finally:
        engine.dispose()
    assert len(taken["sample"]) == len(SAMPLE_CODES)  # type: ignore[arg-type]
    return taken


def check_recovery(url: str, engine: Engine, before: dict[str, object]) -> None:
    """What ``medcode serve`` does at start (migrate, find the release, serve) works on the
    database as the kill left it."""
    assert snapshot(engine) == before
    migrate = medcode("migrate", database_url=url)
    assert migrate.returncode == 0, migrate.stderr
    assert snapshot(engine) == before
    assert_serves(url)


def test_sqlite_reload_killed_while_inserting(small_sqlite: Path, small_release: Path) -> None:
    url = f"sqlite:///{small_sqlite}"
    before = snapshot_of(url)
    with killed_while_inserting("seed", "icd10cm", "--file", str(small_release), "--force",
                                database_url=url):
        engine = make_engine(Settings(database_url=url))
        try:
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            check_recovery(url, engine, before)
        finally:
            engine.dispose()
    record("sqlite", "`medcode seed icd10cm --force` SIGKILLed while inserting", 1,
           "previous release intact (counts, sample codes, integrity_check ok); "
           "migrate and the app work")


def test_sqlite_new_release_killed_then_loaded(small_sqlite: Path, small_release: Path,
                                               tmp_path: Path) -> None:
    """A load of another fiscal year (a copy of the tabular with <version>2027</version>),
    killed while inserting, leaves no trace; running it again loads it."""
    source = small_release.read_bytes()
    assert source.count(b"<version>2026</version>") == 1
    fy2027 = tmp_path / "icd10cm-tabular-2027.xml"
    fy2027.write_bytes(source.replace(b"<version>2026</version>", b"<version>2027</version>"))
    url = f"sqlite:///{small_sqlite}"
    before = snapshot_of(url)
    with killed_while_inserting("seed", "icd10cm", "--file", str(fy2027), database_url=url):
        engine = make_engine(Settings(database_url=url))
        try:
            assert snapshot(engine) == before  # no 2027 release, nothing else touched
            done = medcode("seed", "icd10cm", "--file", str(fy2027), database_url=url)
            assert done.returncode == 0, done.stderr
            assert "Loaded ICD-10-CM 2027" in done.stdout
            after = snapshot(engine)
            assert [r[1] for r in after["releases"]] == ["2026", "2027"]  # type: ignore[union-attr]
            assert after["sample"] == before["sample"]
        finally:
            engine.dispose()
    assert_serves(url)
    record("sqlite", "load of another release (FY2027 copy) SIGKILLed while inserting", 1,
           "no trace of it; the same command then loads it; the app serves")


def test_postgres_reload_killed_while_inserting(small_pg_url: str, small_release: Path) -> None:
    url = small_pg_url
    before = snapshot_of(url)
    with killed_while_inserting("seed", "icd10cm", "--file", str(small_release), "--force",
                                database_url=url):
        engine = make_engine(Settings(database_url=url))
        try:
            check_recovery(url, engine, before)
        finally:
            engine.dispose()
    record("postgresql", "`medcode seed icd10cm --force` SIGKILLed while inserting", 1,
           "previous release intact (counts, sample codes); migrate and the app work")
