"""NCCI PTP load benchmark: ``python -m bench.ncci_load`` prints a table.

Generates a PTP edit file in CMS's exact layout (``ccipra-v322r0-f1.TXT``: the six preamble
lines, then TAB-separated rows, Latin-1, CRLF) with a million rows by default, into a temporary
directory (never kept), and loads it with ``medcode seed ncci`` 's loader on SQLite and, when a
PostgreSQL URL is given (``--postgres URL`` or MEDCODE_TEST_POSTGRES_URL; the database
``<db>_ncci_bench`` next to it is created and emptied), on PostgreSQL: the load's time, the
database size it adds, and the loading process's peak memory. Each load runs in a process of
its own, so its peak memory is its own; a load of a tenth of the rows is measured too, to show
the memory does not grow with the file (the rows are streamed; on SQLite the connection's page
cache, 64 MB, fills up to its bound). The loader's own CPU time is shown beside the wall time:
on a shared machine the wall time also counts the waits for a core.

The rows are shaped like CMS's: column-1 codes in ascending order, each with a run of column-2
codes; about a fifth of the pairs repeated with an earlier, deleted date window; indicators 0,
1 and 9 in CMS's proportions; the real rationales.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PREAMBLE = (
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t\r\n"
    "Column1/Column2 Edits\t\t\t\t\t\t\r\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    "\t\t\t\t*=no data\t1=allowed\t\r\n"
    "\t\t\t\t\t9=not applicable\t\r\n"
)
RATIONALES = ("CPT Manual or CMS manual coding instruction",
              "Misuse of Column Two code with Column One code", "Mutually exclusive procedures",
              "Standards of medical/surgical practice", "CPT Separate Procedure definition",
              "More extensive procedure", "Gender-specific procedures")
NAME = "ccipra-v322r0-f1.TXT"


def codes(n: int) -> list[str]:
    """``n`` distinct CPT-shaped codes in ascending order (numeric, then Category III)."""
    out = [f"{10000 + i * 8:05d}" for i in range(min(n, 11000))]
    out += [f"{i:04d}T" for i in range(n - len(out))]
    return sorted(out)


def generate(path: Path, rows: int, seed: int = 7) -> int:
    """Write a PTP file of about ``rows`` rows; the exact count is returned."""
    rng = random.Random(seed)
    pool = codes(12000)
    written = 0
    with path.open("w", encoding="latin-1", newline="") as out:
        out.write(PREAMBLE)
        per_code = max(1, rows // 4000)
        for c1 in pool:
            if written >= rows:
                break
            partners = sorted(rng.sample(pool, min(len(pool), per_code + rng.randint(0, 5))))
            lines = []
            for c2 in partners:
                if c2 == c1 or written >= rows:
                    continue
                why = RATIONALES[rng.randrange(len(RATIONALES))]
                roll = rng.random()
                if roll < 0.2 and written + 1 < rows:  # an earlier window, deleted
                    lines.append(f"{c1}\t{c2}\t\t20100101\t20191231\t0\t{why}\r\n")
                    written += 1
                ind = "9" if roll > 0.97 else "0" if roll > 0.8 else "1"
                eff = "20200101"
                dele = eff if ind == "9" else "*"
                pre = "*" if roll < 0.05 else ""
                lines.append(f"{c1}\t{c2}\t{pre}\t{eff}\t{dele}\t{ind}\t{why}\r\n")
                written += 1
            out.writelines(lines)
    return written


def _child(url: str, path: Path) -> None:
    """Load one file and print the measures as JSON (run in a process of its own)."""
    from domain.db import make_engine
    from domain.settings import Settings
    from service.migrate import upgrade
    from systems.ncci.load import load_file

    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    before = _size(engine)
    started = time.perf_counter()
    result = load_file(engine, path)
    seconds = time.perf_counter() - started
    after = _size(engine)
    engine.dispose()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"rows": result.rows, "seconds": seconds, "bytes": after - before,
                      "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
                      "load": os.getloadavg()[0]}))


def _size(engine: object) -> int:
    from sqlalchemy import Engine, text

    assert isinstance(engine, Engine)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return int(conn.execute(text("SELECT pg_database_size(current_database())"))
                       .scalar_one())
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        return int(pages) * int(size)


def _postgres(base: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{make_url(base).database}_ncci_bench"
    admin = create_engine(make_url(base).set(drivername="postgresql+psycopg",
                                             database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def measure(url: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.ncci_load", "--child", url, str(path)],
                         check=True, capture_output=True, text=True)
    measures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return measures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--postgres", default=os.environ.get("MEDCODE_TEST_POSTGRES_URL"),
                    help="a PostgreSQL URL (default: MEDCODE_TEST_POSTGRES_URL)")
    ap.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    from bench.lookup import print_table

    table: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="ncci-bench-") as tmp:
        small_dir, big_dir = Path(tmp, "small"), Path(tmp, "big")
        small_dir.mkdir()
        big_dir.mkdir()
        started = time.perf_counter()
        rows = generate(big_dir / NAME, args.rows)
        small_rows = generate(small_dir / NAME, args.rows // 10)
        table.append(("PTP file generated (rows / MB / s)",
                      f"{rows:,} / {(big_dir / NAME).stat().st_size / 1e6:.0f} / "
                      f"{time.perf_counter() - started:.1f}"))
        targets = [("SQLite", lambda: f"sqlite:///{tmp}/bench-{{}}.db")]
        if args.postgres:
            targets.append(("PostgreSQL", lambda: _postgres(args.postgres)))
        for label, url_of in targets:
            for n, folder in ((small_rows, small_dir), (rows, big_dir)):
                url = url_of().format(n)
                m = measure(url, folder / NAME)
                assert int(m["rows"]) == n, m
                table.append((f"{label}: load {n:,} rows (s / rows per s)",
                              f"{m['seconds']:.1f} / {n / m['seconds']:,.0f}"))
                table.append((f"{label}: {n:,} rows, loader CPU s (load average)",
                              f"{m['cpu']:.1f} ({m['load']:.1f})"))
                table.append((f"{label}: {n:,} rows, database size added (MB)",
                              f"{m['bytes'] / 1e6:.0f}"))
                table.append((f"{label}: {n:,} rows, loader peak memory (MB)",
                              f"{m['peak_mb']:.0f}"))
    print_table(table)


if __name__ == "__main__":
    main()
