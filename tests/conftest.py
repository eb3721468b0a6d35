"""Shared fixtures: real databases loaded with the real ICD-10-CM release.

Every test that takes ``engine`` (or ``client``) runs on SQLite, and again on PostgreSQL when
``MEDCODE_TEST_POSTGRES_URL`` is set. When that variable is set the database must answer: an
unreachable server fails the run instead of skipping it (CI sets it). Without it, the
PostgreSQL half skips with a reason.

The release is loaded once per run and per backend, and each process gets a copy of its own
(see tests/databases.py): under pytest-xdist no two workers share a database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from xdist.scheduler import LoadScopeScheduling

from domain.db import make_engine
from domain.settings import Settings
from service.app import create_app
from tests.databases import (
    POSTGRES_ENV,
    REDIS_ENV,
    Databases,
    Templates,
    drop_templates,
    shared_directory,
)
from tests.robustness.ledger import LEDGER, print_ledger

__all__ = ["POSTGRES_ENV", "REDIS_ENV", "StatementCounter", "gql"]


# --- the run: templates built once, the robustness ledger gathered from every worker ----------


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand its ledger rows to the controller
        workeroutput["robustness_ledger"] = [list(row) for row in LEDGER]
    else:  # the controller, or a run without xdist: every worker is done with the templates
        factory: pytest.TempPathFactory | None = getattr(session.config, "_tmp_path_factory",
                                                         None)
        if factory is not None:
            drop_templates(shared_directory(factory))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """(pytest-xdist, on the controller) a worker's ledger rows, for the summary."""
    rows = getattr(node, "workeroutput", {}).get("robustness_ledger", [])
    LEDGER.extend((str(b), str(k), int(n), str(r)) for b, k, n, r in rows)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not hasattr(terminalreporter.config, "workeroutput"):
        print_ledger(terminalreporter)


# --- pytest-xdist: what runs together, and the slowest first --------------------------------

# The work units in the order they start (measured; ``*`` stands for any text), the rest
# following in collection order. The first four go two to each worker (pytest-xdist's
# loadscope hands each worker two units at the start): one builds the SQLite ICD-10-CM
# template while the other builds the PostgreSQL one (a worker needing a template the other is
# building waits for it), and then the FY2025 ones. The long units come early, so that no
# worker is left running a long unit alone at the end.
SLOWEST = (
    "tests/search/test_index.py[sqlite]",
    "tests/scale/test_release_switch.py[postgresql]",
    "tests/robustness/test_schemathesis.py[sqlite]",
    "tests/robustness/test_import_safety.py::test_postgres_reload_killed_while_inserting",
    "tests/releases",
    "tests/robustness/test_import_safety.py::test_sqlite_new_release_killed_then_loaded",
    "tests/icd10pcs/test_api.py[sqlite]",
    "tests/robustness/test_schemathesis.py[postgresql]",
    "tests/search/test_index.py[postgresql]",
    "tests/hcpcs/test_api.py[sqlite]",
    "tests/robustness/test_import_safety.py",
    "tests/robustness/test_infrastructure.py",
    "tests/robustness/test_properties.py",
    "tests/browser",
    "tests/scale",
    "tests/fhir/test_fhir_client.py",
    "tests/quota/test_keys.py",
    "tests/seed/test_load.py",
    # the rest of these two folders well after the units that build their templates, so that
    # no worker waits for the other to finish building one
    "tests/icd10pcs",
    "tests/hcpcs",
    "tests/licences/test_replicas.py",
    "tests/ncci/test_claims.py",
    "tests/quota/test_http.py",
    "tests/cpt/test_cli.py",
    "tests/ncci/test_code_page.py",
    "tests/fhir/test_conformance.py",
    "tests/pfs/test_cli.py",
    "tests/web/test_fast_path.py",
    "tests/web/test_body_limit.py",
    "tests/web/test_graphql_http_audit.py",
    "tests/pfs",
)
# Independent tests that each take long: a work unit each.
ONE_UNIT_PER_TEST = ("tests/robustness/test_import_safety.py",)
# Modules (or every module of a folder) whose SQLite and PostgreSQL halves share nothing: a
# work unit per database, so that both workers take part (each on a copy of its own).
ONE_UNIT_PER_BACKEND = ("tests/scale/test_release_switch.py", "tests/search/test_index.py",
                        "tests/robustness/test_schemathesis.py", "tests/hcpcs/",
                        "tests/icd10pcs/")
_BACKEND_ID = re.compile(r"[\[-](sqlite|postgresql)[\]-]")


def work_unit(nodeid: str) -> str:
    """The work unit of a test: by default its module (xdist's ``loadscope``), so that a
    module's fixtures are made once."""
    path = nodeid.split("::")[0]
    if path in ONE_UNIT_PER_TEST:
        return nodeid
    if path.startswith(ONE_UNIT_PER_BACKEND):
        backend = _BACKEND_ID.search(nodeid)
        return f"{path}[{backend.group(1) if backend else ''}]"
    return path


def slowness(unit: str) -> int:
    """The rank of a work unit in SLOWEST (``len(SLOWEST)`` for the others)."""
    for rank, pattern in enumerate(SLOWEST):
        head, _, tail = pattern.partition("*")
        if unit.startswith(head) and unit.endswith(tail) and len(unit) >= len(head + tail):
            return rank
    return len(SLOWEST)


class WorkUnits(LoadScopeScheduling):
    """``--dist loadscope`` with the work units of :func:`work_unit`."""

    def _split_scope(self, nodeid: str) -> str:
        return work_unit(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    return WorkUnits(config, log) if config.getvalue("dist") == "loadscope" else None


class SlowestFirst:
    """Reorders a worker's collection (which the controller schedules from) by unit, slowest
    units first; after pytest's own ordering, which groups tests by database."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # stable: collection order within a rank
        items.sort(key=lambda item: slowness(work_unit(item.nodeid)))


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        config.pluginmanager.register(SlowestFirst(), "medcode-slowest-first")


# --- databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """This process's copies of the run's templates (dropped at the end)."""
    registry = Databases(Templates(shared_directory(tmp_path_factory)),
                         tmp_path_factory.mktemp("databases"))
    yield registry
    registry.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database every ``engine`` test runs on, in turn."""
    if request.param == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    return str(request.param)


@pytest.fixture(scope="session")
def settings(backend: str, databases: Databases) -> Settings:
    """A migrated database holding the bundled ICD-10-CM release (this process's own)."""
    return databases.settings(backend, "fy2026", "loaded")


@pytest.fixture(scope="session")
def empty_settings(backend: str, databases: Databases) -> Settings:
    """A migrated database that holds nothing: for keys and quota counters."""
    return databases.settings(backend, "empty", "empty")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """MEDCODE_TEST_REDIS_URL: skip without it, fail if it is set and Redis does not answer."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"Redis tests need {REDIS_ENV} (set by .ci/run)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        pytest.fail(f"{REDIS_ENV}={url} is set but Redis does not answer: {exc}")
    return url


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated database holding the bundled ICD-10-CM release."""
    eng = make_engine(settings)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def empty_engine(empty_settings: Settings) -> Iterator[Engine]:
    eng = make_engine(empty_settings)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine), client=("203.0.113.7", 5000)) as c:
        yield c


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST a GraphQL query and return the decoded body."""
    response = client.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=headers or {})
    body: dict[str, Any] = response.json()
    body["_status"] = response.status_code
    return body


class StatementCounter:
    """Counts SQL statements sent through an engine (for N+1 checks)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0

    def _on(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


@pytest.fixture(scope="session")
def partner(engine: Engine) -> dict[str, str]:
    """Headers with a partner-plan key: unlimited views, notes unlocked."""
    from domain.metering.keys import create_key

    secret, _ = create_key(engine, plan="partner", name="test suite")
    return {"Authorization": f"Bearer {secret}"}
