"""A database holding an ICD-10-CM excerpt, both bundled HCPCS Level II quarters and every NCCI
fixture file (``tests/ncci/data``, CMS's layouts), on SQLite and, when
MEDCODE_TEST_POSTGRES_URL is set, PostgreSQL: this process's copy of the run's ``ncci``
template; and empty migrated databases of a process's own for the importer tests that write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from domain.db import make_engine
from systems.hcpcs.spec import HCPCS
from systems.ncci.load import load_file
from tests.conftest import POSTGRES_ENV
from tests.databases import Databases, LoadReleases, load_icd10cm_excerpt, system_fixtures, template

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(p for p in DATA.iterdir() if p.is_file())


def fresh_engine(backend: str, label: str, databases: Databases) -> Engine:
    """A migrated, empty database of this process's own (a copy of the run's ``empty``
    template, dropped at the end of the run), for the tests that write NCCI files."""
    if backend == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    return make_engine(databases.settings(backend, "empty", label))


def load_fixtures(engine: Engine, shared: Path) -> None:
    for path in FIXTURES:
        assert load_file(engine, path).loaded, path


# Built once per run and backend, copied by each worker (tests/databases.py).
NCCI = template("ncci", load_icd10cm_excerpt, LoadReleases(HCPCS), load_fixtures)
ncci_settings, ncci_engine, ncci_client, ncci_key = system_fixtures(
    "ncci", NCCI, address="203.0.113.17")
