"""Fixtures for the robustness suite, and the table it prints at the end of the run.

Every test here records what it tried in ``LEDGER`` (backend, kind of bad input or fault, cases,
what they got); the run's terminal summary prints it as one Markdown table, the table the issue
asks for (tests/robustness/ledger.py). PostgreSQL and Redis faults are simulated with
:class:`TcpProxy` (the machine's servers keep serving other tests): the PostgreSQL tests use a
database of their own next to the one in ``MEDCODE_TEST_POSTGRES_URL``
(``<name>_<worker>_robust``, a copy of the loaded release), never that one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from domain.models import Code, Description, RelatedCode, Release
from domain.spec import Source
from seed.load import load_release
from systems.icd10cm import importer as icd10cm
from systems.icd10cm.spec import ICD10CM
from tests.databases import POSTGRES_ENV, Databases, parsed, template
from tests.robustness.ledger import LEDGER, record
from tests.robustness.proxy import TcpProxy

__all__ = ["LEDGER", "record"]

ROOT = Path(__file__).resolve().parents[2]


def backend_of(engine: Engine) -> str:
    return engine.dialect.name


# --- the command line, in a subprocess ---------------------------------------------------------


def cli_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDCODE_")}
    return {**env, **{f"MEDCODE_{k.upper()}": v for k, v in settings.items()}}


def run_cli(*args: str, timeout: float = 180, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True,
                          text=True, env=cli_env(**settings), cwd=ROOT, timeout=timeout)


# --- what a loaded database holds --------------------------------------------------------------

SAMPLE_CODES = ("E11.9", "M80.00XA", "O9A.311", "I10", "A00-A09", "1", "Z3A.09")


def snapshot(engine: Engine) -> dict[str, object]:
    """Counts and a few codes: what must survive a killed load unchanged."""
    with engine.connect() as conn:
        def count(table: type) -> int:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

        releases = conn.execute(select(Release.system_id, Release.version, Release.code_count,
                                       Release.billable_count).order_by(Release.version)).all()
        codes = dict(conn.execute(select(Code.code, Code.display)
                                  .where(Code.code.in_(SAMPLE_CODES))).all())
        return {"releases": [tuple(r) for r in releases], "codes": count(Code),
                "descriptions": count(Description), "related": count(RelatedCode),
                "sample": codes}


# --- a smaller release, for the loads that are killed -----------------------------------------

# Injuries and external causes: 65,000 of FY2026's 98,000 codes.
_DROPPED_CHAPTER = re.compile(rb"\s*<chapter>\s*<name>(?:19|20)</name>.*?</chapter>", re.DOTALL)


def small_tabular(shared: Path) -> Path:
    """The bundled FY2026 tabular without chapters 19 and 20: a third of its codes, with every
    convention of the importer but placeholders before a 7th character in injuries (M80.00XA
    has them too). A load killed midway then costs a third of the time. Written once per run
    into the run's ``shared`` directory (whole, then renamed: another process may read it)."""
    path = shared / "icd10cm-tabular-2026-small.xml"
    if not path.is_file():
        small, dropped = _DROPPED_CHAPTER.subn(b"", icd10cm.bundled_source().path.read_bytes())
        assert dropped == 2
        partial = path.with_suffix(f".{os.getpid()}")
        partial.write_bytes(small)
        partial.replace(path)
    return path


def _load_small(engine: Engine, shared: Path) -> None:
    path = small_tabular(shared)
    assert load_release(engine, ICD10CM, parsed=parsed(ICD10CM, Source(path, str(path)))).loaded


SMALL = template("fy2026_small", _load_small)


@pytest.fixture(scope="session")
def small_release(databases: Databases) -> Path:
    """The small tabular's file (the one the small databases hold)."""
    return small_tabular(databases.templates.shared)


@pytest.fixture
def small_sqlite(databases: Databases, tmp_path: Path) -> Path:
    """A private SQLite file holding the small release."""
    path = tmp_path / "small.db"
    shutil.copyfile(databases.templates.sqlite(SMALL), path)
    return path


@pytest.fixture
def small_pg_url(databases: Databases) -> str:
    """A PostgreSQL database of its own holding the small release."""
    _require_postgres()
    return databases.url("postgresql", SMALL, "small")


# --- SQLite ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def loaded_sqlite_template(databases: Databases) -> Path:
    """A SQLite file holding the release, checkpointed and closed: copy it, never open it."""
    return databases.templates.sqlite("fy2026")


@pytest.fixture
def loaded_sqlite(loaded_sqlite_template: Path, tmp_path: Path) -> Path:
    """A private copy of the loaded database."""
    path = tmp_path / "medcode.db"
    shutil.copyfile(loaded_sqlite_template, path)
    return path


# --- PostgreSQL --------------------------------------------------------------------------------


def _require_postgres() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    return url


def with_port(url: str, port: int, host: str = "127.0.0.1") -> str:
    return make_url(url).set(host=host, port=port).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def robust_pg_url(databases: Databases) -> str:
    """A PostgreSQL database of this suite's own, holding the release (a copy of the run's
    template). Fails, not skips, when the variable is set and the server does not answer."""
    _require_postgres()
    return databases.url("postgresql", "fy2026", "robust")


@pytest.fixture
def pg_proxy(robust_pg_url: str) -> Iterator[TcpProxy]:
    target = make_url(robust_pg_url)
    with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
        yield proxy


# --- Redis -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server_url(redis_url: str) -> str:
    return redis_url


@pytest.fixture
def redis_proxy(redis_server_url: str) -> Iterator[TcpProxy]:
    target = make_url(redis_server_url)
    with TcpProxy(target.host or "127.0.0.1", target.port or 6379) as proxy:
        yield proxy


# --- quota counters that need no server --------------------------------------------------------


class MemoryStore:
    """A quota store in a dict: the database is then the only server a request needs."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, int], int] = {}

    def charge(self, subject: str, window: int, cost: int, limit: int | None,
               ttl: int) -> tuple[bool, int]:
        used = self.counts.get((subject, window), 0)
        if limit is not None and used + cost > limit:
            return False, used
        self.counts[(subject, window)] = used + max(cost, 0)
        return True, used + max(cost, 0)

    def refund(self, subject: str, window: int, amount: int, ttl: int) -> int:
        used = max(self.counts.get((subject, window), 0) - amount, 0)
        self.counts[(subject, window)] = used
        return used

    def used(self, subject: str, window: int) -> int:
        return self.counts.get((subject, window), 0)

    def purge(self, before: int) -> None:
        for key in [k for k in self.counts if k[1] < before]:
            del self.counts[key]

    def close(self) -> None:
        pass


def wait_for(condition: object, what: str, *, limit: float = 120, every: float = 0.05) -> None:
    """Poll ``condition()`` until true (a bound on waiting, never an assertion on time)."""
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(every)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {stderr!r}"
    assert "Traceback" not in stderr
    return lines[0]


def counts_of(outcomes: Mapping[str, int]) -> str:
    return ", ".join(f"{o} ×{n}" for o, n in sorted(outcomes.items()))
