"""One database per backend holding ICD-10-CM, HCPCS Level II (both bundled releases), an
ICD-10-PCS excerpt (``_data.pcs_excerpt``) and the synthetic CPT release of ``tests/cpt``
(invented descriptors, each with the marker word ``zorb``), loaded once per run and per
process; one app per test module (``fhir_client``)."""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.db import make_engine
from domain.metering.keys import create_key
from domain.settings import Settings
from domain.spec import Source
from seed.load import load_release
from systems.cpt.spec import CPT
from systems.hcpcs.spec import HCPCS
from systems.icd10pcs.spec import ICD10PCS
from tests.cpt._data import CSV as CPT_CSV
from tests.databases import Databases, LoadReleases, sqlite_only, template, worker_index
from tests.fhir._data import pcs_excerpt

# Guest counters are per client address: a range of addresses per worker, a random start per
# run (Redis counters outlive a run).
_addresses = itertools.count(100 + 20_000 * worker_index() + random.randrange(19_000))


def fresh_address() -> str:
    n = next(_addresses)
    return f"100.{100 + n // 62_500}.{n // 250 % 250}.{n % 250 + 1}"


def load_pcs_excerpt(engine: Engine, shared: Path) -> None:
    assert load_release(engine, ICD10PCS, parsed=pcs_excerpt()).loaded


# Built once per run and backend on top of the ICD-10-CM template, copied by each worker.
FHIR = template("fhir", LoadReleases(HCPCS), load_pcs_excerpt,
                LoadReleases(CPT, (Source(CPT_CSV, "synthetic CPT 2026"),)), base="fy2026")


@pytest.fixture(scope="session")
def fhir_settings(backend: str, databases: Databases) -> Settings:
    """A copy of the run's ``fhir`` template: ICD-10-CM, HCPCS, the ICD-10-PCS excerpt, CPT."""
    return databases.settings(backend, FHIR, "fhir")


@pytest.fixture(scope="session")
def fhir_engine(fhir_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(fhir_settings)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def fhir_client(fhir_engine: Engine, fhir_settings: Settings) -> Iterator[TestClient]:
    """The module's app, from one address (a partner key makes its calls unmetered)."""
    from service.app import create_app

    with TestClient(create_app(fhir_settings, fhir_engine),
                    client=(fresh_address(), 5000)) as client:
        yield client


@pytest.fixture(scope="session")
def key_for(fhir_engine: Engine) -> Callable[..., dict[str, str]]:
    """Headers with a new key on a plan (and licences)."""

    def make(plan: str = "partner", licences: tuple[str, ...] = ()) -> dict[str, str]:
        secret, _ = create_key(fhir_engine, plan=plan, name=f"fhir {uuid.uuid4().hex[:8]}",
                               licences=licences)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture(scope="session")
def partner(key_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    return key_for("partner")

# The folder runs on SQLite only: what these tests check is HTTP behaviour over the domain
# layer, the same on every database, whose own tests run on SQLite and PostgreSQL alike (the
# suite's time is the budget every later change shares).
backend = sqlite_only
