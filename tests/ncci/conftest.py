"""A database holding an ICD-10-CM excerpt, both bundled HCPCS Level II quarters and every NCCI
fixture file (``tests/ncci/data``, CMS's layouts), on SQLite and, when
MEDCODE_TEST_POSTGRES_URL is set, PostgreSQL: this process's copy of the run's ``ncci``
template; and empty migrated databases of a worker's own (``<db>_<worker>_<label>``) for the
importer tests that write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from domain.db import make_engine
from domain.settings import Settings
from service.migrate import upgrade
from systems.hcpcs.spec import HCPCS
from systems.ncci.load import load_file
from tests.conftest import POSTGRES_ENV, reset_postgres
from tests.databases import LoadReleases, load_icd10cm_excerpt, system_fixtures, template, worker

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(p for p in DATA.iterdir() if p.is_file())


def loaded_database(backend: str, label: str, factory: pytest.TempPathFactory) -> str:
    """The URL of an empty database of this run's own: a SQLite file, or ``<db>_<label>`` next
    to MEDCODE_TEST_POSTGRES_URL's (created if absent, emptied; skipped without it)."""
    if backend == "sqlite":
        return f"sqlite:///{factory.mktemp(label) / 'medcode.db'}"
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    name = f"{make_url(base).database}_{worker()}_{label}"  # the workers' apart
    admin = make_engine(Settings(database_url=make_url(base).set(database="postgres")
                                 .render_as_string(hide_password=False)))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        pytest.fail(f"{POSTGRES_ENV}={base} is set but PostgreSQL does not answer: {exc.orig}")
    finally:
        admin.dispose()
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    reset_postgres(url)
    return url


def fresh_engine(backend: str, label: str, factory: pytest.TempPathFactory) -> Engine:
    """A migrated, empty database of this run's own."""
    engine = make_engine(Settings(database_url=loaded_database(backend, label, factory)))
    upgrade(engine)
    return engine


def load_fixtures(engine: Engine, shared: Path) -> None:
    for path in FIXTURES:
        assert load_file(engine, path).loaded, path


# Built once per run and backend, copied by each worker (tests/databases.py).
NCCI = template("ncci", load_icd10cm_excerpt, LoadReleases(HCPCS), load_fixtures)
ncci_settings, ncci_engine, ncci_client, ncci_key = system_fixtures(
    "ncci", NCCI, address="203.0.113.17")
