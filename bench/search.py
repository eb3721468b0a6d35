"""Search benchmark: ``python -m bench.search`` prints relevance and latency tables.

For the relevance set (``bench/relevance.tsv``: what a coder or biller types, and the codes they
would accept, per code system), on SQLite and, when ``MEDCODE_BENCH_POSTGRES_URL`` is set, on
PostgreSQL, each system's queries searched in its newest release:

- top-1 and top-5 hit rates per system, overall and by kind of query;
- p50/p95 latency per system of a top-10 search inside the service
  (``domain.search.engine.search``, after one warm-up pass; the first, cold pass is reported
  too) and over HTTP (``POST /graphql`` to a real uvicorn server on loopback, its result cache
  off, the search confined to the system);
- whether both databases put the same codes first.

Options: ``--db URL`` (SQLite; default: a file under bench/out, created and loaded when
missing: ICD-10-CM, ICD-10-PCS and both bundled HCPCS releases), ``--rounds N`` (timed passes),
``--no-http``, ``--reload`` (load the releases again, after a change to the search documents),
``--system ID`` (that system's queries only).
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
QUERY = ("query($t: String!, $s: [CodeSystemId!]) { search(text: $t, systems: $s, first: 10) "
         "{ totalCount edges { node { code } } } }")
DEFAULT_SYSTEM = "ICD10CM"  # a row without a system column


@dataclass(frozen=True, slots=True)
class Case:
    query: str
    accepted: frozenset[str]
    kind: str
    system: str = DEFAULT_SYSTEM


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

    def rate(self, which: str, kind: str | None = None, system: str | None = None) -> float:
        chosen = [o for o in self.outcomes if (kind is None or o.case.kind == kind)
                  and (system is None or o.case.system == system)]
        return sum(getattr(o, which) for o in chosen) / max(1, len(chosen))

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.top5]


def load_cases(system: str | None = None, path: Path = RELEVANCE) -> list[Case]:
    """The relevance set's rows (``system``'s only, when given), in file order."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, codes, kind, *rest = line.split("\t")
        case = Case(query, frozenset(c.strip() for c in codes.split(",")), kind,
                    *(rest[:1] or [DEFAULT_SYSTEM]))
        if system is None or case.system == system:
            cases.append(case)
    return cases


def systems_of(cases: list[Case]) -> list[str]:
    """The systems the cases search, in order of first appearance."""
    return list(dict.fromkeys(c.system for c in cases))


def newest_release(conn: Connection, system: str = "ICD10CM") -> int:
    return int(conn.execute(
        text("SELECT id FROM release WHERE system_id = :s ORDER BY effective_from DESC LIMIT 1"),
        {"s": system},
    ).scalar_one())


def evaluate(conn: Connection, cases: list[Case], limit: int = 10) -> tuple[Report, list[float]]:
    """Run every case through the engine, in its system's newest release; the outcomes and
    each search's milliseconds (both in the order of ``cases``)."""
    from domain.search.engine import search
    from systems import spec_of

    releases = {s: newest_release(conn, s) for s in systems_of(cases)}
    codes: dict[int, str] = {}
    for release in releases.values():
        codes.update(conn.execute(
            text("SELECT id, code FROM code WHERE release_id = :r"), {"r": release}).all())
    report, times = Report(), []
    for case in cases:
        start = time.perf_counter()
        page = search(conn, [(releases[case.system], spec_of(case.system))], case.query,
                      billable_only=False, limit=limit, offset=0)
        times.append((time.perf_counter() - start) * 1000)
        report.outcomes.append(Outcome(case, [codes[h.code_id] for h in page.hits]))
    return report, times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ensure_loaded(url: str, reload: bool = False) -> tuple[Engine, dict[str, float]]:
    """A migrated database holding the bundled releases (ICD-10-CM's, ICD-10-PCS's, and both
    HCPCS quarters); the seconds of each release it loaded (all of them when ``reload``)."""
    from domain.db import make_engine
    from domain.settings import Settings
    from seed.load import load_release
    from service.migrate import upgrade
    from systems.hcpcs.spec import HCPCS
    from systems.icd10cm.spec import ICD10CM
    from systems.icd10pcs.spec import ICD10PCS

    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    loaded: dict[str, float] = {}
    for spec, sources in ((ICD10CM, ICD10CM.bundled_sources()[-1:]),
                          (ICD10PCS, ICD10PCS.bundled_sources()[-1:]),
                          (HCPCS, HCPCS.bundled_sources())):
        for source in sources:
            start = time.perf_counter()
            parsed = spec.read(source)
            result = load_release(engine, spec, parsed=parsed, force=reload)
            if result.loaded:
                loaded[f"{spec.short_name} {result.version}"] = time.perf_counter() - start
    return engine, loaded


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
    """Each case's search over HTTP, ``rounds`` times, in the order of ``cases``."""
    import httpx

    def body(case: Case) -> dict[str, object]:
        return {"query": QUERY, "variables": {"t": case.query, "s": [case.system]}}

    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for case in cases:  # warm-up
            client.post("/graphql", json=body(case))
        for _ in range(rounds):
            for case in cases:
                start = time.perf_counter()
                r = client.post("/graphql", json=body(case))
                times.append((time.perf_counter() - start) * 1000)
                r.raise_for_status()
    return times


@dataclass(slots=True)
class Run:
    backend: str
    report: Report
    cold: list[float]  # one per case, in case order
    warm: list[float]  # ``rounds`` per case, each round in case order
    http: list[float]  # likewise
    seeded: dict[str, float]  # release -> seconds of its load

    def times(self, which: str, cases: list[Case], system: str) -> list[float]:
        """The ``which`` timings (cold, warm, http) of ``system``'s cases."""
        values: list[float] = getattr(self, which)
        return [t for i, t in enumerate(values) if cases[i % len(cases)].system == system]


def run_backend(name: str, url: str, cases: list[Case], rounds: int, http: bool,
                reload: bool = False) -> Run:
    engine, seeded = ensure_loaded(url, reload)
    with engine.connect() as conn:
        from domain.search.engine import warm

        warm(conn, [newest_release(conn, s) for s in systems_of(cases)])
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
    systems = systems_of(cases)
    print(f"\nRelevance set: {len(cases)} queries ({RELEVANCE.relative_to(ROOT)})\n")
    head = f"{'backend':10} {'system':8} {'kind':8} {'n':>4} {'top-1':>6} {'top-5':>6}"
    print(head)
    print("-" * len(head))
    for run in runs:
        for system in systems:
            mine = [c for c in cases if c.system == system]
            for kind in [None, *sorted({c.kind for c in mine})]:
                n = sum(1 for c in mine if kind is None or c.kind == kind)
                print(f"{run.backend:10} {system:8} {kind or 'all':8} {n:4d}"
                      f" {run.report.rate('top1', kind, system):6.3f}"
                      f" {run.report.rate('top5', kind, system):6.3f}")
    print("\nLatency of a top-10 search, milliseconds")
    head = (f"{'backend':10} {'system':8} {'service p50':>12} {'p95':>8} {'cold p50':>9}"
            f" {'p95':>8} {'HTTP p50':>9} {'p95':>8}")
    print(head)
    print("-" * len(head))
    for run in runs:
        for system in systems:
            warm, cold, http = (run.times(w, cases, system) for w in ("warm", "cold", "http"))
            print(f"{run.backend:10} {system:8} {_ms(warm, 50):>12} {_ms(warm, 95):>8}"
                  f" {_ms(cold, 50):>9} {_ms(cold, 95):>8}"
                  f" {_ms(http, 50):>9} {_ms(http, 95):>8}")
    for run in runs:
        for release, seconds in run.seeded.items():
            print(f"\n{run.backend}: loaded {release} in {seconds:.1f} s")
        for o in run.report.misses:
            print(f"{run.backend} {o.case.system} miss: {o.case.query!r} wants "
                  f"{sorted(o.case.accepted)}, got {o.codes[:5]}")
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
    parser.add_argument("--reload", action="store_true",
                        help="load the bundled releases again (after a change to the documents)")
    parser.add_argument("--system", help="only this system's queries (ICD10CM, ICD10PCS, HCPCS)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    cases = load_cases(args.system)
    runs = [run_backend("sqlite", args.db, cases, args.rounds, not args.no_http, args.reload)]
    pg = os.environ.get(POSTGRES_ENV)
    if pg:
        runs.append(run_backend("postgresql", pg, cases, args.rounds, not args.no_http,
                                args.reload))
    print_tables(runs, cases)
    print(f"\n(median of {statistics.median(runs[0].warm):.2f} ms over "
          f"{len(runs[0].warm)} in-service searches on {runs[0].backend})")


if __name__ == "__main__":
    main()
