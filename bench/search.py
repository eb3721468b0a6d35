"""Search benchmark: ``python -m bench.search`` prints relevance and latency tables.

For the relevance set (``bench/relevance.tsv``: what a coder types, and the codes a coder would
accept), on SQLite and, when ``MEDCODE_BENCH_POSTGRES_URL`` is set, on PostgreSQL:

- top-1 and top-5 hit rates, overall and by kind of query;
- p50/p95 latency of a top-10 search inside the service (``domain.search.engine.search``, after
  one warm-up pass; the first, cold pass is reported too) and over HTTP (``POST /graphql`` to a
  real uvicorn server on loopback, its result cache off);
- whether both databases put the same codes first.

Options: ``--db URL`` (SQLite; default: a file under bench/out, created and loaded when
missing), ``--rounds N`` (timed passes), ``--no-http``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from bench.serving import free_port, serving

ROOT = Path(__file__).resolve().parents[1]
RELEVANCE = ROOT / "bench" / "relevance.tsv"
OUT = ROOT / "bench" / "out"
POSTGRES_ENV = "MEDCODE_BENCH_POSTGRES_URL"
QUERY = "query($t: String!) { search(text: $t, first: 10) { totalCount edges { node { code } } } }"


@dataclass(frozen=True, slots=True)
class Case:
    query: str
    accepted: frozenset[str]
    kind: str


@dataclass(slots=True)
class Outcome:
    case: Case
    codes: list[str]

    @property
    def top1(self) -> bool:
        return bool(self.codes) and self.codes[0] in self.case.accepted

    @property
    def top5(self) -> bool:
        return any(c in self.case.accepted for c in self.codes[:5])


@dataclass(slots=True)
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def rate(self, which: str, kind: str | None = None) -> float:
        chosen = [o for o in self.outcomes if kind is None or o.case.kind == kind]
        return sum(getattr(o, which) for o in chosen) / max(1, len(chosen))

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.top5]


def load_cases(path: Path = RELEVANCE) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, codes, kind = line.split("\t")
        cases.append(Case(query, frozenset(c.strip() for c in codes.split(",")), kind))
    return cases


def newest_release(conn: Connection, system: str = "ICD10CM") -> int:
    return int(conn.execute(
        text("SELECT id FROM release WHERE system_id = :s ORDER BY effective_from DESC LIMIT 1"),
        {"s": system},
    ).scalar_one())


def evaluate(conn: Connection, cases: list[Case], limit: int = 10) -> tuple[Report, list[float]]:
    """Run every case through the engine; the outcomes and each search's milliseconds."""
    from domain.search.engine import search
    from systems.icd10cm.spec import ICD10CM

    release = newest_release(conn)
    codes = dict(conn.execute(
        text("SELECT id, code FROM code WHERE release_id = :r"), {"r": release}).all())
    report, times = Report(), []
    for case in cases:
        start = time.perf_counter()
        page = search(conn, [(release, ICD10CM)], case.query, billable_only=False, limit=limit,
                      offset=0)
        times.append((time.perf_counter() - start) * 1000)
        report.outcomes.append(Outcome(case, [codes[h.code_id] for h in page.hits]))
    return report, times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ensure_loaded(url: str) -> tuple[Engine, float | None]:
    """A migrated database holding the bundled release; the load's seconds if it loaded."""
    from domain.db import make_engine
    from domain.settings import Settings
    from seed.load import load_release
    from service.migrate import upgrade
    from systems.icd10cm.spec import ICD10CM

    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    start = time.perf_counter()
    result = load_release(engine, ICD10CM)
    return engine, (time.perf_counter() - start) if result.loaded else None


@contextmanager
def server(url: str) -> Iterator[str]:
    """uvicorn serving the database at ``url`` on a loopback port, stopped on exit."""
    port = free_port()
    # The result cache off: the same queries again would measure the cache, not the search.
    env = {**os.environ, "MEDCODE_DATABASE_URL": url, "MEDCODE_RESULT_CACHE_ENTRIES": "0"}
    with serving([sys.executable, "-m", "uvicorn", "service.main:app", "--host", "127.0.0.1",
                  "--port", str(port), "--log-level", "warning"], env, port, quiet=True,
                 limit=60, stop_wait=10):
        yield f"http://127.0.0.1:{port}"


def http_times(base: str, cases: list[Case], rounds: int) -> list[float]:
    import httpx

    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for case in cases:  # warm-up
            client.post("/graphql", json={"query": QUERY, "variables": {"t": case.query}})
        for _ in range(rounds):
            for case in cases:
                start = time.perf_counter()
                r = client.post("/graphql", json={"query": QUERY, "variables": {"t": case.query}})
                times.append((time.perf_counter() - start) * 1000)
                r.raise_for_status()
    return times


@dataclass(slots=True)
class Run:
    backend: str
    report: Report
    cold: list[float]
    warm: list[float]
    http: list[float]
    seed_seconds: float | None


def run_backend(name: str, url: str, cases: list[Case], rounds: int, http: bool) -> Run:
    engine, seeded = ensure_loaded(url)
    with engine.connect() as conn:
        from domain.search.engine import warm

        warm(conn, [newest_release(conn)])
        report, cold = evaluate(conn, cases)
        warm_times: list[float] = []
        for _ in range(rounds):
            warm_times += evaluate(conn, cases)[1]
    engine.dispose()
    http_ms: list[float] = []
    if http:
        with server(url) as base:
            http_ms = http_times(base, cases, rounds)
    return Run(name, report, cold, warm_times, http_ms, seeded)


def _ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p):7.2f}" if values else "      -"


def print_tables(runs: list[Run], cases: list[Case]) -> None:
    kinds = sorted({c.kind for c in cases})
    print(f"\nRelevance set: {len(cases)} queries ({RELEVANCE.relative_to(ROOT)})\n")
    head = f"{'backend':10} {'kind':8} {'n':>4} {'top-1':>6} {'top-5':>6}"
    print(head)
    print("-" * len(head))
    for run in runs:
        for kind in [None, *kinds]:
            n = sum(1 for c in cases if kind is None or c.kind == kind)
            print(f"{run.backend:10} {kind or 'all':8} {n:4d} {run.report.rate('top1', kind):6.3f}"
                  f" {run.report.rate('top5', kind):6.3f}")
    print("\nLatency of a top-10 search, milliseconds")
    head = (f"{'backend':10} {'service p50':>12} {'p95':>8} {'cold p50':>9} {'p95':>8}"
            f" {'HTTP p50':>9} {'p95':>8}")
    print(head)
    print("-" * len(head))
    for run in runs:
        print(f"{run.backend:10} {_ms(run.warm, 50):>12} {_ms(run.warm, 95):>8}"
              f" {_ms(run.cold, 50):>9} {_ms(run.cold, 95):>8}"
              f" {_ms(run.http, 50):>9} {_ms(run.http, 95):>8}")
    for run in runs:
        if run.seed_seconds is not None:
            print(f"\n{run.backend}: loaded the release in {run.seed_seconds:.1f} s")
        for o in run.report.misses:
            print(f"{run.backend} miss: {o.case.query!r} wants {sorted(o.case.accepted)}, "
                  f"got {o.codes[:5]}")
    if len(runs) > 1:
        a, b = runs[0].report.outcomes, runs[1].report.outcomes
        same1 = sum(x.codes[:1] == y.codes[:1] for x, y in zip(a, b, strict=True))
        same5 = sum(x.codes[:5] == y.codes[:5] for x, y in zip(a, b, strict=True))
        print(f"\n{runs[0].backend} vs {runs[1].backend}: same first code {same1}/{len(a)}, "
              f"same first five {same5}/{len(a)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"sqlite:///{OUT / 'search.db'}")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    cases = load_cases()
    runs = [run_backend("sqlite", args.db, cases, args.rounds, not args.no_http)]
    pg = os.environ.get(POSTGRES_ENV)
    if pg:
        runs.append(run_backend("postgresql", pg, cases, args.rounds, not args.no_http))
    print_tables(runs, cases)
    print(f"\n(median of {statistics.median(runs[0].warm):.2f} ms over "
          f"{len(runs[0].warm)} in-service searches on {runs[0].backend})")


if __name__ == "__main__":
    main()
