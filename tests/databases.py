"""The tests' databases: each release loaded once per run and per backend, then copied.

Loading the full ICD-10-CM release takes 7 s on SQLite and 16 s on PostgreSQL; copying it takes
0.1 s (a file copy) and 0.3 s (``CREATE DATABASE x TEMPLATE y``, a copy made by the server). So
every database a test needs is a copy of a *template* built once per run:

- ``empty``: migrated, nothing loaded (keys, quota counters);
- ``fy2026``: migrated, the bundled FY2026 release loaded;
- ``fy2025``: ``fy2026`` plus FY2025 (from ``tests/data``, never downloaded).

A template is a SQLite file in the run's shared temporary directory, or the PostgreSQL database
``<db>_tpl_<name>`` next to the one in ``MEDCODE_TEST_POSTGRES_URL`` (``<db>``). It is built by
whichever process needs it first, under a file lock, so that pytest-xdist workers build it once
between them. Each process then makes its own copies (``<db>_<worker>_<label>``), so no two
workers ever share a database, and drops them at the end; the templates are dropped when the
run ends (:func:`drop_templates`).
"""

from __future__ import annotations

import fcntl
import gzip
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from domain.db import make_engine
from domain.parsed import ParsedRelease
from domain.settings import Settings
from domain.spec import Source
from seed.load import load_release
from service.migrate import upgrade
from systems.icd10cm import importer
from systems.icd10cm.spec import ICD10CM

POSTGRES_ENV = "MEDCODE_TEST_POSTGRES_URL"
REDIS_ENV = "MEDCODE_TEST_REDIS_URL"
DATA = Path(__file__).resolve().parent / "data"
FY2025_TABULAR = DATA / "icd10cm-tabular-2025.xml.gz"  # simple-icd-10-cm 1.4.0's, April 2025
EXCERPT_TABULAR = DATA / "icd10cm-tabular-excerpt.xml"  # see tests/data/build_data.py
TEMPLATES = ("empty", "fy2026", "fy2025")


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
    copy = f' TEMPLATE "{template}"' if template else ""
    admin(drop(name), f'CREATE DATABASE "{name}"{copy}')
    base = postgres_base()
    assert base is not None
    return with_database(base, name)


def drop_templates() -> None:
    """Drop the run's PostgreSQL templates (at the end of the run, once every worker is done)."""
    if postgres_base() is None:
        return
    with suppress(pytest.fail.Exception):  # best effort: a server gone by now fails nothing
        admin(*(drop(database_name(f"tpl_{name}")) for name in TEMPLATES))


# --- releases --------------------------------------------------------------------------------


@cache
def fy2026() -> ParsedRelease:
    """The bundled FY2026 release, parsed once per process (2.6 s) when a template needs it."""
    return ICD10CM.read(importer.bundled_source())


def fy2025(into: Path) -> ParsedRelease:
    """The FY2025 release from the committed file, decompressed into ``into``."""
    path = into / "icd10cm-tabular-April-2025.xml"
    if not path.is_file():  # written whole, then renamed: another process may be reading it
        partial = into / f"{path.name}.{os.getpid()}"
        partial.write_bytes(gzip.decompress(FY2025_TABULAR.read_bytes()))
        partial.replace(path)
    release = ICD10CM.read(Source(path, f"simple-icd-10-cm 1.4.0: {path.name}"))
    assert release.version == "2025"
    return release


def excerpt() -> ParsedRelease:
    """A few hundred FY2026 codes covering every convention of the importer (no database)."""
    return ICD10CM.read(Source(EXCERPT_TABULAR, EXCERPT_TABULAR.name))


def fill(engine: Engine, template: str, scratch: Path) -> None:
    """Bring a migrated database ``template``'s releases on top of what it holds."""
    if template == "fy2026":
        load_release(engine, ICD10CM, parsed=fy2026())
    elif template == "fy2025":
        assert load_release(engine, ICD10CM, parsed=fy2025(scratch)).version == "2025"


# --- templates, built once per run -----------------------------------------------------------


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock shared by the run's processes (pytest-xdist's documented pattern)."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Templates:
    """The run's templates; ``shared`` is the directory every process of the run sees."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.ready: set[tuple[str, str]] = set()

    def _once(self, backend: str, name: str, build: Callable[[], None]) -> None:
        if (backend, name) in self.ready:
            return
        done = self.shared / f"{backend}-{name}.done"
        with locked(self.shared / f"{backend}-{name}.lock"):
            if not done.exists():
                build()
                done.touch()
        self.ready.add((backend, name))

    def sqlite(self, name: str) -> Path:
        """The template's file, checkpointed and closed: copy it, never open it."""
        path = self.shared / f"template-{name}.db"

        def build() -> None:
            path.unlink(missing_ok=True)  # what a failed attempt left
            base = "fy2026" if name == "fy2025" else None
            if base is not None:
                shutil.copyfile(self.sqlite(base), path)
            engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
            try:
                upgrade(engine)
                fill(engine, name, self.shared)
                with engine.connect() as conn:
                    conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            finally:
                engine.dispose()

        self._once("sqlite", name, build)
        return path

    def postgres(self, name: str) -> str:
        """The template database's name; nothing stays connected to it."""
        database = database_name(f"tpl_{name}")

        def build() -> None:
            base = self.postgres("fy2026") if name == "fy2025" else None
            engine = make_engine(Settings(database_url=create_database(database, base)))
            try:
                upgrade(engine)
                fill(engine, name, self.shared)
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
