"""The tests' databases: every set of releases loaded once per run and per backend, then copied.

Why: loading the full ICD-10-CM release takes 6 s on SQLite and 10 s on PostgreSQL (ICD-10-PCS
6 s and 9 s), plus 2.5 s (4 s) to parse it; copying a loaded database takes 0.1 s (a file copy)
and 0.2 s (``CREATE DATABASE x TEMPLATE y STRATEGY FILE_COPY``, a copy the server makes). So
every database a test needs is a copy of a *template* built once per run.

**Templates.** A template is a name and a recipe (:class:`Recipe`): the template it starts from
(a copy), then what is loaded into it. Declared here:

- ``empty``: migrated, nothing loaded (keys, quota counters); every other template starts from
  it, so the migrations run once per run and per backend;
- ``fy2026``: the bundled ICD-10-CM FY2026 release;
- ``fy2025``: ``fy2026`` plus FY2025 (from ``tests/data``, never downloaded).

A test folder declares the template it needs in its ``conftest.py``, at import time (so that
every process of the run knows the same recipe): :func:`systems_template` for "these systems'
bundled releases" (``tests/hcpcs``, ``tests/icd10pcs``), or :func:`template` with
:class:`LoadReleases` for releases from files of the tests' own::

    from tests.databases import LoadReleases, system_fixtures, template

    CPT = template("cpt", LoadReleases(CPT_SPEC, (Source(DATA / "cpt.txt", "test file"),)))
    cpt_settings, cpt_engine, cpt_client, cpt_key = system_fixtures("cpt", CPT, "203.0.113.11")

:func:`system_fixtures` gives the folder its session fixtures (``<prefix>_settings``,
``_engine``, ``_client``, ``_key``), on SQLite and on PostgreSQL in turn (the ``backend``
fixture of ``tests/conftest.py``).

**Where they live.** A SQLite template is a file in the run's shared temporary directory; a
PostgreSQL one is the database ``<db>_tpl_<name>`` next to the one ``MEDCODE_TEST_POSTGRES_URL``
names (``<db>``, never touched itself). Whichever process needs a template first builds it,
under a file lock in the shared directory, so that the pytest-xdist workers build each one once
between them (the other waits for it, or meanwhile builds another: ``tests/conftest.py``
starts the units that need different templates on different workers). A release file is parsed
once per run too (:func:`parsed`: kept in memory per process, and pickled in the shared
directory for the other workers); so is a slow test-data reader decorated with
:func:`run_cache` (``tests/hcpcs/_data.py``: openpyxl's 5 s read of the October workbook).

**Copies.** Each process then makes its own copies, one per template, label and backend
(``<db>_<worker>_<label>``, ``gw0``/``gw1``/``main``; a file in the process's own temporary
directory on SQLite), so no two workers ever share a database; it drops them at the end, and
the run's controller (or its only process) drops the templates it made at the end
(:func:`drop_templates`).

**Scheduling.** Since no worker owns a template, a folder's modules may run on either worker:
add a long folder to ``ONE_UNIT_PER_BACKEND`` in ``tests/conftest.py`` (its SQLite and
PostgreSQL halves become separate work units) and its units to ``SLOWEST`` (started first, the
PostgreSQL half, whose template takes longest, before the SQLite one).
"""

from __future__ import annotations

import fcntl
import functools
import gzip
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from domain.db import make_engine
from domain.metering.keys import create_key
from domain.parsed import ParsedRelease
from domain.settings import Settings
from domain.spec import CodeSystemSpec, Source
from seed.load import load_release
from service.app import create_app
from service.migrate import upgrade
from systems.icd10cm import importer
from systems.icd10cm.spec import ICD10CM

T = TypeVar("T")
POSTGRES_ENV = "MEDCODE_TEST_POSTGRES_URL"
REDIS_ENV = "MEDCODE_TEST_REDIS_URL"
DATA = Path(__file__).resolve().parent / "data"
FY2025_TABULAR = DATA / "icd10cm-tabular-2025.xml.gz"  # simple-icd-10-cm 1.4.0's, April 2025
EXCERPT_TABULAR = DATA / "icd10cm-tabular-excerpt.xml"  # see tests/data/build_data.py


def worker() -> str:
    """This process's name in the run: ``gw0``, ``gw1``... under pytest-xdist, else ``main``."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def worker_index() -> int:
    """0 for ``main`` and ``gw0``, 1 for ``gw1``...: for ranges that workers must not share."""
    return int(worker().removeprefix("gw")) if worker().startswith("gw") else 0


def postgres_base() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def database_name(label: str) -> str:
    """``<db>_<label>``: a database of the tests' own next to ``MEDCODE_TEST_POSTGRES_URL``'s."""
    base = postgres_base()
    assert base is not None
    return f"{make_url(base).database}_{label}"


def admin(*statements: str) -> None:
    """Run statements (CREATE/DROP DATABASE) on the server's ``postgres`` database; fail, not
    skip, when the variable is set and the server does not answer."""
    base = postgres_base()
    assert base is not None
    engine = make_engine(Settings(database_url=with_database(base, "postgres")))
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for statement in statements:
                conn.execute(text(statement))
    except OperationalError as exc:
        pytest.fail(f"{POSTGRES_ENV}={base} is set but PostgreSQL does not answer: {exc.orig}")
    finally:
        engine.dispose()


def drop(name: str) -> str:
    """The statement that drops a database of the tests', whoever is still connected to it."""
    return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


def create_database(name: str, template: str | None = None) -> str:
    """A new (or renewed) database ``name``, optionally a copy of ``template``; its URL."""
    # FILE_COPY: the server copies the files (0.2 s for the ICD-10-CM database) instead of
    # writing the whole database into its WAL (WAL_LOG, PostgreSQL 15's default: 0.8 s, and
    # the checkpoints that follow)
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    admin(drop(name), f'CREATE DATABASE "{name}"{copy}')
    base = postgres_base()
    assert base is not None
    return with_database(base, name)


def drop_templates(shared: Path) -> None:
    """Drop the PostgreSQL templates this run made (at its end, once every worker is done):
    those with a lock file in the run's ``shared`` directory. The controller of an xdist run
    never imported the folders that declared them, hence by the files; and a run that built
    nothing (``--collect-only``) drops nothing, not even the templates another run is using."""
    if postgres_base() is None:
        return
    names = sorted(p.name.removeprefix("postgresql-").removesuffix(".lock")
                   for p in shared.glob("postgresql-*.lock"))
    if names:
        with suppress(pytest.fail.Exception):  # best effort: a server gone by now fails nothing
            admin(*(drop(database_name(f"tpl_{name}")) for name in names))


# --- releases, parsed once per run -------------------------------------------------------------

_parsed: dict[tuple[str, Source], ParsedRelease] = {}
_shared: list[Path] = []  # the run's shared directory, when there are other workers


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock shared by the run's processes (pytest-xdist's documented pattern)."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _once_per_run(name: str, make: Callable[[], T]) -> T:
    """``make()``, or what another worker of the run made and pickled as ``name``."""
    if not _shared:
        return make()
    pickled = _shared[0] / f"{name}.pickle"
    with locked(_shared[0] / f"{name}.lock"):
        if pickled.exists():
            made: T = pickle.loads(pickled.read_bytes())
            return made
        made = make()
        partial = pickled.with_suffix(f".{os.getpid()}")
        partial.write_bytes(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(pickled)
        return made


def _digest(text: str) -> str:
    """A file name for ``text`` that every process agrees on (``hash()`` of a str does not)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def parsed(spec: CodeSystemSpec, source: Source) -> ParsedRelease:
    """``spec.read(source)``, parsed once per run: kept per process and, under pytest-xdist,
    pickled into the run's shared directory for the other workers (unpickling takes a third of
    the parse). Never modify what it returns (``seed.load`` only reads it)."""
    key = (spec.id, source)
    if key not in _parsed:
        name = f"parsed-{spec.id}-{_digest(f'{source.path.resolve()}{source.label}')}"
        _parsed[key] = _once_per_run(name, lambda: spec.read(source))
    return _parsed[key]


def run_cache(function: Callable[[], T]) -> Callable[[], T]:
    """``functools.cache`` for a function without arguments that reads a big file (the tests'
    ``_data.py``), shared by the run's workers like :func:`parsed`: what it returns must pickle,
    and must never be modified. Without the conftest (``--noconftest``), a per-process cache."""
    results: list[T] = []

    @functools.wraps(function)
    def cached() -> T:
        if not results:
            name = f"cached-{_digest(f'{function.__module__}.{function.__qualname__}')}"
            results.append(_once_per_run(name, function))
        return results[0]

    return cached


def fy2026() -> ParsedRelease:
    """The bundled FY2026 release, parsed once per run (2.6 s)."""
    return parsed(ICD10CM, importer.bundled_source())


def fy2025(into: Path) -> ParsedRelease:
    """The FY2025 release from the committed file, decompressed into ``into``."""
    path = into / "icd10cm-tabular-April-2025.xml"
    if not path.is_file():  # written whole, then renamed: another process may be reading it
        partial = into / f"{path.name}.{os.getpid()}"
        partial.write_bytes(gzip.decompress(FY2025_TABULAR.read_bytes()))
        partial.replace(path)
    release = parsed(ICD10CM, Source(path, f"simple-icd-10-cm 1.4.0: {path.name}"))
    assert release.version == "2025"
    return release


def excerpt() -> ParsedRelease:
    """A few hundred FY2026 codes covering every convention of the importer (no database)."""
    return ICD10CM.read(Source(EXCERPT_TABULAR, EXCERPT_TABULAR.name))


@pytest.fixture(scope="session", name="backend")
def sqlite_only() -> str:
    """``backend`` for a folder that runs on SQLite only: import it into the folder's
    conftest.py, whose docstring says why."""
    return "sqlite"


# --- what templates hold -----------------------------------------------------------------------

Load = Callable[[Engine, Path], object]  # (the template's engine, the run's shared directory)


@dataclass(frozen=True)
class LoadReleases:
    """A load: releases of one system, parsed once per run; every bundled one by default."""

    spec: CodeSystemSpec
    sources: tuple[Source, ...] | None = None

    def __call__(self, engine: Engine, shared: Path) -> None:
        sources = self.sources if self.sources is not None else self.spec.bundled_sources()
        assert sources, f"{self.spec.short_name}: no release to load"
        for source in sources:
            assert load_release(engine, self.spec, parsed=parsed(self.spec, source)).loaded


def load_icd10cm_excerpt(engine: Engine, shared: Path) -> None:
    assert load_release(engine, ICD10CM, parsed=excerpt()).loaded


def load_fy2025(engine: Engine, shared: Path) -> None:
    assert load_release(engine, ICD10CM, parsed=fy2025(shared)).version == "2025"


@dataclass(frozen=True)
class Recipe:
    base: str | None  # the template copied first; None: a new database, migrated
    loads: tuple[Load, ...]


RECIPES: dict[str, Recipe] = {}


def template(name: str, *loads: Load, base: str | None = "empty") -> str:
    """Declare the template ``name``: a copy of ``base`` (every template but ``empty`` starts
    from it) with ``loads`` run on it in order; its name. Declare each at import time, the same
    way in every process (a conftest.py); declaring it again the same way is a no-op."""
    recipe = Recipe(None if name == "empty" else base, loads)
    known = RECIPES.setdefault(name, recipe)
    if known != recipe:
        raise ValueError(f"template {name!r} is already declared as {known}")
    return name


def systems_template(*specs: CodeSystemSpec) -> str:
    """The template holding every bundled release of ``specs`` (``hcpcs``, ``icd10pcs``...)."""
    return template("_".join(spec.id.lower() for spec in specs),
                    *(LoadReleases(spec) for spec in specs))


template("empty")
template("fy2026", LoadReleases(ICD10CM))
template("fy2025", load_fy2025, base="fy2026")
template("icd10cm_excerpt", load_icd10cm_excerpt)


# --- templates, built once per run -------------------------------------------------------------


class Templates:
    """The run's templates; ``shared`` is the directory every process of the run sees."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.ready: set[tuple[str, str]] = set()
        if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:  # others to share with
            _shared[:] = [shared]

    def _recipe(self, name: str) -> Recipe:
        if name not in RECIPES:
            raise KeyError(f"no template {name!r}: declare it with tests.databases.template()")
        return RECIPES[name]

    def _once(self, backend: str, name: str, build: Callable[[], None]) -> None:
        if (backend, name) in self.ready:
            return
        done = self.shared / f"{backend}-{name}.done"
        with locked(self.shared / f"{backend}-{name}.lock"):
            if not done.exists():
                build()
                done.touch()
        self.ready.add((backend, name))

    def _fill(self, engine: Engine, recipe: Recipe) -> None:
        if recipe.base is None:
            upgrade(engine)
        for load in recipe.loads:
            load(engine, self.shared)

    def sqlite(self, name: str) -> Path:
        """The template's file, checkpointed and closed: copy it, never open it."""
        path = self.shared / f"template-{name}.db"
        recipe = self._recipe(name)

        def build() -> None:
            path.unlink(missing_ok=True)  # what a failed attempt left
            if recipe.base is not None:
                shutil.copyfile(self.sqlite(recipe.base), path)
            engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
            try:
                self._fill(engine, recipe)
                with engine.connect() as conn:
                    conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            finally:
                engine.dispose()

        self._once("sqlite", name, build)
        return path

    def postgres(self, name: str) -> str:
        """The template database's name; nothing stays connected to it."""
        database = database_name(f"tpl_{name}")
        recipe = self._recipe(name)

        def build() -> None:
            base = self.postgres(recipe.base) if recipe.base is not None else None
            engine = make_engine(Settings(database_url=create_database(database, base)))
            try:
                self._fill(engine, recipe)
            finally:
                engine.dispose()

        self._once("postgresql", name, build)
        return database


class Databases:
    """This process's copies of the templates, made once each and dropped at the end."""

    def __init__(self, templates: Templates, own: Path) -> None:
        self.templates = templates
        self.own = own
        self.urls: dict[tuple[str, str], str] = {}

    def url(self, backend: str, template: str, label: str) -> str:
        """A private copy of ``template`` named ``label`` (one per process and backend)."""
        key = (backend, label)
        if key not in self.urls:
            if backend == "sqlite":
                path = self.own / f"{label}.db"
                shutil.copyfile(self.templates.sqlite(template), path)
                self.urls[key] = f"sqlite:///{path}"
            else:
                name = database_name(f"{worker()}_{label}")
                self.urls[key] = create_database(name, self.templates.postgres(template))
        return self.urls[key]

    def settings(self, backend: str, template: str, label: str) -> Settings:
        return Settings(database_url=self.url(backend, template, label))

    def close(self) -> None:
        copies = [make_url(url).database or "" for (backend, _), url in self.urls.items()
                  if backend == "postgresql"]
        if copies:
            admin(*(drop(name) for name in copies))
        self.urls.clear()


def shared_directory(factory: pytest.TempPathFactory) -> Path:
    """The run's directory: shared by the xdist workers (their base's parent), else this
    process's own base (never the user's directory of every run)."""
    base = factory.getbasetemp()
    return base.parent if "PYTEST_XDIST_WORKER" in os.environ else base


# --- a folder's fixtures on a template of its own ----------------------------------------------


def system_fixtures(prefix: str, template: str, address: str,
                    label: str | None = None) -> tuple[Any, ...]:
    """Session fixtures ``<prefix>_settings``, ``_engine``, ``_client`` (from ``address``) and
    ``_key`` (headers with a partner-plan key) on this process's copy of ``template`` (named
    ``label``, by default the template's name), on SQLite and PostgreSQL in turn. Assign them
    to the same names in a conftest.py."""
    copy = label or template

    @pytest.fixture(scope="session", name=f"{prefix}_settings")
    def settings(backend: str, databases: Databases) -> Settings:
        return databases.settings(backend, template, copy)

    # Each takes ``backend``, so that pytest parametrizes it; the others by name.
    @pytest.fixture(scope="session", name=f"{prefix}_engine")
    def engine(backend: str, databases: Databases) -> Iterator[Engine]:
        eng = make_engine(databases.settings(backend, template, copy))
        yield eng
        eng.dispose()

    @pytest.fixture(scope="session", name=f"{prefix}_client")
    def client(backend: str, request: pytest.FixtureRequest) -> Iterator[TestClient]:
        app = create_app(request.getfixturevalue(f"{prefix}_settings"),
                         request.getfixturevalue(f"{prefix}_engine"))
        with TestClient(app, client=(address, 5000)) as c:
            yield c

    @pytest.fixture(scope="session", name=f"{prefix}_key")
    def key(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
        secret, _ = create_key(request.getfixturevalue(f"{prefix}_engine"), plan="partner",
                               name=f"{prefix} tests")
        return {"Authorization": f"Bearer {secret}"}

    return settings, engine, client, key
