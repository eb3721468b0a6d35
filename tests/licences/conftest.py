"""A database holding a synthetic CPT release (``tests/cpt/data``: invented descriptors in the
AMA's layouts, never AMA text) and the real PFS rows (``tests/pfs/data``'s excerpt of CMS's
October 2025 file) next to the real ICD-10-CM release, with keys on every plan and licence, on
SQLite and (with MEDCODE_TEST_POSTGRES_URL) PostgreSQL: the run's ``cpt_pfs`` template."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.db import make_engine
from domain.metering.keys import create_key
from domain.settings import Settings
from domain.spec import Source
from service.app import create_app
from systems.cpt.spec import CPT
from systems.pfs.load import write_pfs
from systems.pfs.parse import read_pfs
from tests.cpt._data import CSV
from tests.databases import Databases, LoadReleases, template
from tests.pfs.conftest import EXCERPT as PFS_EXCERPT


@dataclass(frozen=True)
class Callers:
    """Request headers of each kind of caller the gating table covers."""

    guest: dict[str, str]
    free: dict[str, str]
    pro: dict[str, str]  # no licence
    partner: dict[str, str]  # no licence, unlimited
    licensed: dict[str, str]  # pro, with the cpt licence
    licensed_id: int


def load_pfs(engine: Engine, shared: Path) -> None:
    assert write_pfs(engine, read_pfs(PFS_EXCERPT)).loaded


CPT_PFS = template("cpt_pfs", LoadReleases(CPT, (Source(CSV, CSV.name, version="2026"),)),
                   load_pfs, base="fy2026")


@pytest.fixture(scope="session")
def cpt_settings(backend: str, databases: Databases) -> Settings:
    return databases.settings(backend, CPT_PFS, "licences").model_copy(
        update={"fast_path_recheck_seconds": 0.3})


@pytest.fixture(scope="session")
def cpt_engine(cpt_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(cpt_settings)
    yield engine
    engine.dispose()


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="session")
def callers(cpt_engine: Engine) -> Callers:
    made = {plan: create_key(cpt_engine, plan=plan, name=f"licence tests {plan}")[0]
            for plan in ("free", "pro", "partner")}
    secret, row = create_key(cpt_engine, plan="pro", name="licence tests cpt", licences=["cpt"])
    assert row.id is not None
    return Callers(guest={}, free=_bearer(made["free"]), pro=_bearer(made["pro"]),
                   partner=_bearer(made["partner"]), licensed=_bearer(secret),
                   licensed_id=row.id)


@pytest.fixture(scope="session")
def cpt_client(cpt_engine: Engine, cpt_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(cpt_settings, cpt_engine), client=("203.0.113.40", 5000)) as c:
        yield c
