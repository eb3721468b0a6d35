"""Reloading a release while serving: readers never see half a release, nor an error."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.settings import Settings
from seed.load import load_release
from service.app import create_app
from systems.icd10cm.spec import ICD10CM
from tests.databases import fy2026

# On PostgreSQL, the scale-out database, only: the SQLite reload under readers cost 70 s of a CI
# run on a two-core machine that must stay under ten minutes; SQLite's all-or-nothing load is
# tested by tests/seed and tests/robustness/test_import_safety.py.
pytestmark = pytest.mark.postgresql_only

# Readers ask again every 50 ms all through the reload (a few hundred answers), without
# spinning: in one process, a spinning reader takes the interpreter from the load and made it
# three times slower.
READ_PAUSE = 0.05
QUERY = """{ code(system: ICD10CM, code: "A00.0") { code display release
  descriptions { text } children { code } ancestors { code } } codeSystems { billableCount } }"""


def test_readers_are_not_disturbed_by_a_reload(fy2025: Engine, engine: Engine, settings: Settings,
                                               partner: dict[str, str]) -> None:
    # On SQLite the quota counters share the database file, whose single writer is the load:
    # metered requests would wait for it (see README, "Releases without downtime"). The readers
    # here are unmetered on SQLite and metered on PostgreSQL.
    metered = settings.database_url.startswith("postgresql")
    app = create_app(settings.model_copy(update={"result_cache_entries": 0}), engine,
                     metering=metered)
    answers: list[dict] = []
    failures: list[str] = []
    done = threading.Event()

    def read() -> None:
        with TestClient(app) as client:
            while not done.wait(READ_PAUSE):
                r = client.post("/graphql", json={"query": QUERY}, headers=partner)
                body = r.json()
                if r.status_code != 200 or body.get("errors"):
                    failures.append(f"{r.status_code} {body}")
                else:
                    answers.append(body["data"])

    parsed = fy2026()  # the bundled file, parsed once per run (tests/databases.py): before the
    # readers start
    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        result = load_release(engine, ICD10CM, parsed=parsed, force=True)
    finally:
        done.set()
        for t in readers:
            t.join(timeout=60)
    assert result.loaded
    assert not failures, failures[:3]
    assert len(answers) >= 4
    for data in answers:
        assert data["code"]["display"] == "Cholera due to Vibrio cholerae 01, biovar cholerae"
        assert len(data["code"]["descriptions"]) > 1, "a reader saw a code without its terms"
        assert [a["code"] for a in data["code"]["ancestors"]] == ["A00", "A00-A09", "1"]
        assert data["codeSystems"][0]["billableCount"] == 74_719
