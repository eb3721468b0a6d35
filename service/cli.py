"""The ``medcode`` command line: serve, migrate, seed, keys.

User mistakes (a bad file, an unknown plan, an unreachable database) end with one line on stderr
that says what to do, and a non-zero exit status; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import col

from domain.metering.licences import KNOWN, UnknownLicence
from domain.settings import Settings, get_settings, settings_problem
from domain.spec import CodeSystemSpec, ImportFileError, Source
from systems import SPECS, spec_of


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


def fail(message: str, status: int = 1) -> NoReturn:
    print(f"medcode: {message}", file=sys.stderr)
    raise SystemExit(status)


def _settings() -> Settings:
    try:
        return get_settings()
    except (ValidationError, SettingsError) as exc:  # a bad MEDCODE_* variable
        raise UserError(settings_problem(exc)) from None


_engines: list[Engine] = []  # closed when the command ends (main)


def _engine(settings: Settings) -> Engine:
    from domain.db import make_engine

    try:
        engine = make_engine(settings)
    except (SQLAlchemyError, ValueError) as exc:
        raise UserError(
            f"MEDCODE_DATABASE_URL={settings.database_url!r} is not a usable database URL "
            f"({exc.__class__.__name__}); use sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
        ) from None
    _engines.append(engine)
    return engine


def _migrate(engine: Engine) -> None:
    from service.migrate import upgrade

    upgrade(engine)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    engine = _engine(settings)
    _migrate(engine)
    print(f"Database at {engine.url.render_as_string(hide_password=True)} is up to date.")


def seed_system(engine: Engine, spec: CodeSystemSpec, path: Path | None, force: bool,
                version: str | None = None) -> None:
    """Load the file at ``path`` (``version``: the release it is, where the spec takes one),
    or each bundled release of the system, with progress bars."""
    from seed.load import planned_units, write_release
    from seed.progress import progress_bar

    if path is not None and not (path.is_file() or (spec.reads_folders and path.is_dir())):
        raise UserError(f"no such file: {path}")
    sources = [Source(path, str(path), version)] if path else spec.bundled_sources()
    if not sources:
        raise UserError(f"medcode ships no {spec.short_name} release: load your own with "
                        f"`medcode seed {spec.id.lower()} --file PATH`")
    for source in sources:
        try:
            with progress_bar(f"Reading {spec.short_name} {source.path.name}") as bar:
                release = spec.read(source)
                bar.finish()
        except ImportFileError as exc:
            raise UserError(f"{source.path}: {exc}; nothing was loaded") from None
        label = f"{spec.short_name} {release.version}"
        with progress_bar(f"Loading {label}", planned_units(release)) as bar:
            result = write_release(engine, system_id=spec.id, release=release, force=force,
                                   progress=bar.advance)
            bar.finish()
        if not result.loaded:
            print(f"{label} is already loaded ({result.billable_count:,} billable codes); "
                  "nothing to do. Use --force to reload it.")
            continue
        print(f"Loaded {label}: {result.code_count:,} items, {result.billable_count:,} billable "
              f"codes, {result.related_count:,} note references.")


def cmd_seed(args: argparse.Namespace, settings: Settings) -> None:
    engine = _engine(settings)
    _migrate(engine)
    seed_system(engine, spec_of(args.spec_id), args.file, args.force,
                getattr(args, "version", None))


def _file_and_engine(path: Path, settings: Settings) -> Engine:
    """The migrated database a file of data beside the code systems (PFS, NCCI) loads into,
    once the file is there."""
    if not path.is_file():
        raise UserError(f"no such file: {path}")
    engine = _engine(settings)
    _migrate(engine)
    return engine


def cmd_seed_pfs(args: argparse.Namespace, settings: Settings) -> None:
    """Load a Medicare Physician Fee Schedule relative value file (PPRRVU<year>_<Mon>.csv)."""
    from seed.progress import progress_bar
    from systems.pfs.load import write_pfs
    from systems.pfs.parse import read_pfs

    path: Path = args.file
    engine = _file_and_engine(path, settings)
    try:
        with progress_bar(f"Reading PFS {path.name}") as bar:
            parsed = read_pfs(path, progress=lambda n: bar.advance("records", n))
            bar.finish()
    except ImportFileError as exc:
        raise UserError(f"{exc}; nothing was loaded") from None
    label = f"PFS {parsed.version}"
    with progress_bar(f"Loading {label}", len(parsed.rows)) as bar:
        result = write_pfs(engine, parsed, force=args.force,
                           progress=lambda n: bar.advance("pfs_rate", n))
        bar.finish()
    if not result.loaded:
        print(f"{label} is already loaded ({result.row_count:,} rows); nothing to do. Use "
              "--force to reload it.")
        return
    print(f"Loaded {label} (in force from {parsed.effective_from}): {result.row_count:,} rows.")


def cmd_seed_ncci(args: argparse.Namespace, settings: Settings) -> None:
    """``medcode seed ncci --file PATH``: one NCCI file, streamed, in one transaction."""
    from seed.progress import progress_bar
    from systems.ncci.errors import NcciFileError
    from systems.ncci.load import load_file

    path: Path = args.file
    engine = _file_and_engine(path, settings)
    try:
        with progress_bar(f"Loading NCCI {path.name}") as bar:
            result = load_file(engine, path, force=args.force, progress=bar.advance)
    except NcciFileError as exc:
        raise UserError(f"{path}: {exc}; nothing was loaded") from None
    if not result.loaded:
        print(f"{result.label} is already loaded ({result.rows:,} rows); nothing to do. "
              "Use --force to reload it.")
        return
    print(f"Loaded {result.label} from {result.file}: {result.rows:,} rows.")


def _check_redis(settings: Settings) -> None:
    """With MEDCODE_REDIS_URL set, Redis must answer before we serve."""
    if not settings.redis_url:
        return
    import redis

    try:
        redis.Redis.from_url(settings.redis_url, socket_connect_timeout=settings.connect_timeout,
                             socket_timeout=settings.connect_timeout).ping()
    except (redis.RedisError, ValueError) as exc:
        raise UserError(f"cannot reach Redis at MEDCODE_REDIS_URL={settings.redis_url} ({exc}); "
                        "start it or unset the variable to keep quotas in the database") from None


def _has_release(engine: Engine, system_id: str) -> bool:
    from domain.models import Release

    with engine.connect() as conn:
        return conn.execute(
            select(col(Release.id)).where(col(Release.system_id) == system_id).limit(1)
        ).first() is not None


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from service import logs

    logs.configure(settings.log_format, settings.log_level)
    _check_redis(settings)
    engine = _engine(settings)
    _migrate(engine)
    missing = [spec for spec in SPECS.values()
               if spec.bundled_sources() and not _has_release(engine, spec.id)]
    engine.dispose()
    for spec in missing:
        print(f"No {spec.short_name} release in the database yet: loading the bundled one "
              "(once).", flush=True)
        # In a process of its own: a load's peak memory (600 MB for ICD-10-PCS) is given back
        # when it ends, instead of staying with the server for its whole life.
        seeded = subprocess.run([sys.executable, "-m", "service.cli", "seed", spec.id.lower()])
        if seeded.returncode != 0:  # the load said why, in one line
            raise SystemExit(seeded.returncode)
    print(f"Serving http://{args.host}:{args.port}/graphql", flush=True)
    uvicorn.run("service.main:app", host=args.host, port=args.port, workers=args.workers,
                log_config=logs.log_config(settings.log_format, settings.log_level),
                proxy_headers=False, timeout_graceful_shutdown=20)


def cmd_keys(args: argparse.Namespace, settings: Settings) -> None:
    from domain.metering import keys

    engine = _engine(settings)
    _migrate(engine)
    if args.keys_command == "create":
        if args.plan not in settings.plan_limits or args.plan == "guest":
            plans = ", ".join(p for p in settings.plan_limits if p != "guest")
            raise UserError(f"unknown plan {args.plan!r}; choose one of: {plans}")
        try:
            secret, row = keys.create_key(engine, plan=args.plan, name=args.name,
                                          licences=args.licence or ())
        except UnknownLicence as exc:
            raise UserError(str(exc)) from None
        held = f", licences: {row.licences}" if row.licences else ""
        print(f"Created key {row.id} ({row.prefix}…) on plan {row.plan} for {row.name!r}{held}.")
        print("Store it now: it is shown once and cannot be recovered.")
        print(secret)
    elif args.keys_command == "list":
        rows = keys.list_keys(engine)
        print(f"{'ID':>4}  {'PREFIX':<16} {'PLAN':<8} {'LICENCES':<9} {'CREATED':<20} "
              f"{'LAST USED':<20} {'REVOKED':<20} NAME")
        for r in rows:
            print(f"{r.id:>4}  {r.prefix:<16} {r.plan:<8} {r.licences or '-':<9} "
                  f"{_ts(r.created_at):<20} {_ts(r.last_used_at):<20} {_ts(r.revoked_at):<20} "
                  f"{r.name}")
    elif args.keys_command == "licence":
        if not (args.add or args.remove):
            raise UserError("say what to change: --add cpt or --remove cpt")
        try:
            after = keys.change_licences(engine, args.key_id, add=args.add or (),
                                         remove=args.remove or ())
        except UnknownLicence as exc:
            raise UserError(str(exc)) from None
        if after is None:
            raise UserError(f"no key with id {args.key_id}; `medcode keys list` shows them")
        print(f"Key {args.key_id} licences: {', '.join(sorted(after)) or 'none'} (in force on "
              "every server within its recheck interval, "
              f"{settings.fast_path_recheck_seconds:g} s).")
    else:
        if not keys.revoke_key(engine, args.key_id):
            raise UserError(f"no key with id {args.key_id}; `medcode keys list` shows them")
        print(f"Revoked key {args.key_id}.")


def cmd_changes(args: argparse.Namespace, settings: Settings) -> None:
    import csv

    from domain.changes import compute_changes
    from domain.models import Release

    engine = _engine(settings)
    _migrate(engine)
    with engine.connect() as conn:
        versions: dict[str, int] = {v: i for v, i in conn.execute(
            select(col(Release.version), col(Release.id))
            .where(col(Release.system_id) == args.system)) if i is not None}
        for wanted in (args.from_version, args.to_version):
            if wanted not in versions:
                loaded = ", ".join(sorted(versions)) or "none"
                raise UserError(f"no {args.system} release {wanted!r} is loaded (loaded: "
                                f"{loaded}); load it with `medcode seed icd10cm --file PATH`")
        cs = compute_changes(conn, from_release=versions[args.from_version],
                             to_release=versions[args.to_version])
    rows = ([("added", r.code, "", r.display) for r in cs.added]
            + [("deleted", r.code, r.display, "") for r in cs.deleted]
            + [("revised", r.code.code, r.before, r.after) for r in cs.revised])
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["change", "code", "before", "after"])
        writer.writerows(rows)
        return
    print(f"{args.system} {args.from_version} -> {args.to_version}: {len(cs.added)} added, "
          f"{len(cs.deleted)} deleted, {len(cs.revised)} revised")
    print(f"{'CHANGE':<8} {'CODE':<9} TITLE")
    for change, code, before, after in rows:
        if change == "revised":
            print(f"{change:<8} {code:<9} {before}\n{'':<18}-> {after}")
        else:
            print(f"{change:<8} {code:<9} {before or after}")


def _ts(value: object) -> str:
    return "-" if value is None else str(value)[:19]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="medcode", description="GraphQL API for medical codes.")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate, load the bundled code systems that are "
                           "absent, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply the database migrations")
    migrate.set_defaults(func=cmd_migrate)

    seed = sub.add_parser("seed", help="load a code system release")
    seed_sub = seed.add_subparsers(dest="system", required=True)
    for spec in SPECS.values():
        bundled = "bundled, or --file PATH" if spec.bundled_sources() else "--file PATH"
        one = seed_sub.add_parser(spec.id.lower(), help=f"load {spec.short_name} ({bundled})")
        one.add_argument("--force", action="store_true", help="reload in one transaction")
        one.add_argument("--file", type=Path, help=f"an official {spec.short_name} file"
                         + (" (or a folder or .zip of them)" if spec.reads_folders else ""))
        if spec.release_option:
            one.add_argument(spec.release_option, dest="version", metavar="YYYY",
                             help="the release the file is, where its files do not say it")
        one.set_defaults(func=cmd_seed, spec_id=spec.id)
    pfs = seed_sub.add_parser("pfs", help="load a Medicare Physician Fee Schedule relative "
                              "value file (PPRRVU<year>_<Mon>.csv, from CMS)")
    pfs.add_argument("--file", type=Path, required=True, help="CMS's PPRRVU<year>_<Mon>*.csv")
    pfs.add_argument("--force", action="store_true", help="reload in one transaction")
    pfs.set_defaults(func=cmd_seed_pfs)

    ncci = seed_sub.add_parser("ncci", help="load a CMS NCCI file: PTP edits, MUEs or add-on "
                               "code edits (--file PATH; the kind is read from the file)")
    ncci.add_argument("--file", type=Path, required=True,
                      help="a CMS NCCI file (.zip as CMS ships it, or the .TXT/.csv/.txt/.xlsx)")
    ncci.add_argument("--force", action="store_true", help="reload in one transaction")
    ncci.set_defaults(func=cmd_seed_ncci)

    changes = sub.add_parser("changes", help="what changed between two releases")
    changes.add_argument("from_version", metavar="FROM", help="older release, e.g. 2025")
    changes.add_argument("to_version", metavar="TO", help="newer release, e.g. 2026")
    changes.add_argument("--system", default="ICD10CM")
    changes.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    changes.set_defaults(func=cmd_changes)

    keys = sub.add_parser("keys", help="manage API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key; the key is the last line")
    create.add_argument("--plan", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--licence", action="append", metavar="NAME", choices=sorted(KNOWN),
                        help="grant a licence (cpt: the AMA's CPT descriptors); repeatable")
    keys_sub.add_parser("list", help="list keys (never the secret)")
    licence = keys_sub.add_parser("licence", help="grant or withdraw a key's licences")
    licence.add_argument("key_id", type=int)
    licence.add_argument("--add", action="append", metavar="NAME", choices=sorted(KNOWN),
                         help="grant a licence (cpt); repeatable")
    licence.add_argument("--remove", action="append", metavar="NAME", choices=sorted(KNOWN),
                         help="withdraw a licence (cpt); repeatable")
    revoke = keys_sub.add_parser("revoke", help="revoke a key")
    revoke.add_argument("key_id", type=int)
    keys.set_defaults(func=cmd_keys)
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace, Settings], None] = args.func
    try:
        func(args, _settings())
    except UserError as exc:
        fail(str(exc))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        fail(f"cannot reach the database ({reason}); check MEDCODE_DATABASE_URL and that the "
             "server is running")
    except KeyboardInterrupt:
        fail("interrupted; nothing half-loaded was kept", 130)
    except BrokenPipeError:  # `medcode changes 2025 2026 | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None
    finally:
        while _engines:  # its connections, closed rather than dropped at exit
            _engines.pop().dispose()


if __name__ == "__main__":
    main()
