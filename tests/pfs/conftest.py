"""The bundled January 2026 HCPCS Level II release and the PFS excerpt
(``data/PPRRVU2025_Oct_excerpt.csv``: CMS's October 2025 relative value file cut to a few
hundred records, its description column empty), on SQLite and, when MEDCODE_TEST_POSTGRES_URL
is set, on PostgreSQL: this process's copy of the run's ``pfs`` template (tests/databases.py).
The same HCPCS release without a PFS release answers for "nothing loaded" (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.db import make_engine
from service.app import create_app
from systems.hcpcs.spec import HCPCS
from systems.pfs.load import write_pfs
from systems.pfs.parse import read_pfs
from tests.databases import Databases, LoadReleases, system_fixtures, template

DATA = Path(__file__).parent / "data"
EXCERPT = DATA / "PPRRVU2025_Oct_excerpt.csv"
FULL_FILE = Path("/work/shared/data/pfs/PPRRVU2025_Oct_no_descriptors.csv")

JANUARY = next(s for s in HCPCS.bundled_sources() if "2026_JAN" in s.path.name)
HCPCS_JANUARY = template("hcpcs_2026_01", LoadReleases(HCPCS, (JANUARY,)))


def load_excerpt(engine: Engine, shared: Path) -> None:
    assert write_pfs(engine, read_pfs(EXCERPT)).loaded


PFS = template("pfs", load_excerpt, base=HCPCS_JANUARY)

pfs_settings, pfs_engine, pfs_client, pfs_key = system_fixtures(
    "pfs", PFS, address="203.0.113.16")


@pytest.fixture(scope="session")
def no_pfs_client(databases: Databases) -> Iterator[TestClient]:
    """HCPCS loaded, no PFS release (SQLite)."""
    settings = databases.settings("sqlite", HCPCS_JANUARY, "pfs_none")
    engine = make_engine(settings)
    with TestClient(create_app(settings, engine), client=("203.0.113.17", 5000)) as client:
        yield client
    engine.dispose()
