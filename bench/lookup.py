"""Lookup benchmark: ``python -m bench.lookup`` prints a table.

Measures, over HTTP on loopback against a real uvicorn server:

- one-code lookup (descriptions, parent, related codes, guidelines) requests/s and p50/p99, next to
  a bare ASGI app that returns the same response bytes, with their ratio;
- a 200-code bulk query (p50) and its ratio to one code, repeated (as served once prepared)
  and cold (each request new to the server: the long way, GraphQL execution and SQL);
- search p50/p95;
- a CPT code page (the seed page's 96425: descriptors, family, fee facts) for a key holding the
  `cpt` licence and for one without it, from the synthetic CPT release of the tests (invented
  text in the AMA's layouts) and the PFS excerpt;
- each bundled system's seed time and the database size after it (ICD-10-CM, ICD-10-PCS, HCPCS:
  the service as `medcode serve` leaves it); the server's peak memory (VmHWM).

Uses ``wrk`` when it is installed (Debian package ``wrk``), else an asyncio client.
The two servers run side by side and are loaded in turn (``--rounds``, medians reported), the
servers pinned to core 1 and wrk to core 0 when ``taskset`` is there.

Options: ``--db URL`` (default: a fresh SQLite file under bench/out), ``--seconds N``,
``--connections N``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.serving import free_port, serving

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

ONE = """query($c: String!) { code(system: ICD10CM, code: $c) {
  code display billable level descriptions { kind text } parent { code display }
  related { kind note targetCode sourceCode inherited targets { code } }
  guidelines { kind text sourceCode inherited } } }"""
BULK = """query($c: [String!]!) { codes(system: ICD10CM, codes: $c) {
  code display billable level descriptions { kind text } parent { code display }
  related { kind note targetCode sourceCode inherited targets { code } }
  guidelines { kind text sourceCode inherited } } }"""
CPT_PAGE = """query($c: String!) { code(system: CPT, code: $c) {
  code display billable level descriptions { kind text } parent { code display }
  related { kind targetCode targets { code display } }
  fee { status { code } workRvu nonFacilityTotal nonFacilityPayment } } }"""
CPT_RELEASE = ROOT / "tests" / "cpt" / "data" / "release2026"
PFS_EXCERPT = ROOT / "tests" / "pfs" / "data" / "PPRRVU2025_Oct_excerpt.csv"
SEARCH = """query($t: String!) { search(text: $t, first: 10) { totalCount
  edges { score node { code display } } } }"""
# The FHIR facade's $lookup of the same code (POST, a Parameters body): GraphQL's neighbour row.
FHIR_LOOKUP = "/fhir/CodeSystem/$lookup"


def fhir_lookup(code: str) -> bytes:
    return json.dumps({"resourceType": "Parameters", "parameter": [
        {"name": "system", "valueUri": "http://hl7.org/fhir/sid/icd-10-cm"},
        {"name": "code", "valueCode": code}]}).encode()


SEARCH_TEXTS = ["type 2 diabetes", "shingles", "copd", "pnuemonia", "e11.", "hypertension",
                "fracture of right femur", "chest pain", "uti", "major depressive disorder"]


@contextmanager
def server(app: str, env: dict[str, str], port: int, *,
           as_served: bool = False) -> Iterator[subprocess.Popen[bytes]]:
    """uvicorn serving ``app``; ``as_served``: the service as `medcode serve` runs it (its
    logging, the access log on, written to /dev/null as a container's log driver would)."""
    command = ([sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port",
                str(port)] if as_served else
               [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port",
                str(port), "--log-level", "warning", "--no-access-log"])
    with serving([*pinned(1), *command], env, port, quiet=as_served) as proc:
        yield proc


def pinned(cpu: int) -> list[str]:
    """``taskset -c CPU`` when there are two cores or more: servers on core 1, wrk on core 0,
    so the load generator and the server under test do not take turns on one core."""
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(cpu)]
    return []


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


SYSTEMS = ("icd10cm", "icd10pcs", "hcpcs")  # what `medcode serve` loads: every bundled system


def seed(db_url: str) -> list[tuple[str, str]]:
    """Each bundled system loaded as `medcode seed` does: seconds, and the database's size
    after it (the size grows by what the release adds)."""
    env = {**os.environ, "MEDCODE_DATABASE_URL": db_url}
    rows = []
    for system in SYSTEMS:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "service.cli", "seed", system], env=env, cwd=ROOT,
                       check=True, capture_output=True)
        took = time.perf_counter() - start
        rows += [(f"seed {system} (s)", f"{took:.1f}"),
                 (f"database size after {system}", database_size(db_url))]
    return rows


def database_size(db_url: str) -> str:
    if db_url.startswith("sqlite:///"):
        return f"{Path(db_url.removeprefix('sqlite:///')).stat().st_size / 1e6:.0f} MB"
    from sqlalchemy import text

    from domain.db import make_engine
    from domain.settings import Settings

    engine = make_engine(Settings(database_url=db_url))
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return f"{size / 1e6:.0f} MB"


def make_key(db_url: str, *licences: str) -> str:
    env = {**os.environ, "MEDCODE_DATABASE_URL": db_url}
    extra = [arg for licence in licences for arg in ("--licence", licence)]
    out = subprocess.run([sys.executable, "-m", "service.cli", "keys", "create", "--plan",
                          "partner", "--name", "bench", *extra], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def seed_cpt(db_url: str) -> None:
    """The tests' synthetic CPT release and PFS excerpt (no AMA text: nothing to license)."""
    env = {**os.environ, "MEDCODE_DATABASE_URL": db_url}
    for command in (["seed", "cpt", "--file", str(CPT_RELEASE), "--year", "2026"],
                    ["seed", "pfs", "--file", str(PFS_EXCERPT)]):
        subprocess.run([sys.executable, "-m", "service.cli", *command], env=env, cwd=ROOT,
                       check=True, capture_output=True)


def wrk(url: str, body: bytes, headers: dict[str, str], seconds: int,
        connections: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) from wrk with a POST body."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        hdrs = "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in headers.items())
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body.decode())}\n"
            f"{hdrs}"
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("RESULT %f %f %f\\n", summary.requests / '
            "(summary.duration / 1e6), latency:percentile(50) / 1000, "
            "latency:percentile(99) / 1000))\nend\n"
        )
        out = subprocess.run([*pinned(0), "wrk", "-t", "1", "-c", str(connections), "-d",
                              f"{seconds}s", "-s", str(script), url], capture_output=True,
                             text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    rps, p50, p99 = (float(v) for v in line.split()[1:])
    return rps, p50, p99


async def _client_load(url: str, body: bytes, headers: dict[str, str], seconds: int,
                       connections: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(headers={**headers, "Content-Type": "application/json"},
                                 limits=httpx.Limits(max_connections=connections)) as client:
        async def worker() -> None:
            while time.perf_counter() < stop:
                t = time.perf_counter()
                await client.post(url, content=body)
                latencies.append((time.perf_counter() - t) * 1000)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        took = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return len(latencies) / took, q[49], q[98]


def load(url: str, body: bytes, headers: dict[str, str], seconds: int,
         connections: int) -> tuple[float, float, float]:
    if shutil.which("wrk"):
        return wrk(url, body, {**headers, "Content-Type": "application/json"}, seconds,
                   connections)
    return asyncio.run(_client_load(url, body, headers, seconds, connections))


def sequential(url: str, payloads: list[bytes], headers: dict[str, str]) -> list[float]:
    out = []
    with httpx.Client(headers={**headers, "Content-Type": "application/json"}) as client:
        for body in payloads:
            t = time.perf_counter()
            r = client.post(url, content=body, timeout=60)
            out.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
    return out


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def print_table(rows: list[tuple[str, str]]) -> None:
    """A two-column table of measures, as every bench command prints it."""
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 16}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file in bench/out)")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3, help="load runs of each server, in turn")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    db_url = args.db
    if db_url is None:
        path = OUT / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        db_url = f"sqlite:///{path}"
    seeded = seed(db_url)
    seed_cpt(db_url)
    key = make_key(db_url)
    headers = {"Authorization": f"Bearer {key}"}
    licensed = {"Authorization": f"Bearer {make_key(db_url, 'cpt')}"}
    env = {**os.environ, "MEDCODE_DATABASE_URL": db_url}

    rows: list[tuple[str, str]] = list(seeded)
    port, bare_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    bare_url = f"http://127.0.0.1:{bare_port}/graphql"
    one = json.dumps({"query": ONE, "variables": {"c": "E11.9"}}).encode()
    with server("service.main:app", env, port, as_served=True) as proc:
        reference = httpx.post(url, content=one, headers={**headers,
                               "Content-Type": "application/json"}).content
        (OUT / "bare_response.json").write_bytes(reference)
        bare_env = {**env, "MEDCODE_BARE_RESPONSE": str(OUT / "bare_response.json")}
        with server("bench.bare:app", bare_env, bare_port):
            sequential(url, [one] * 50, headers)  # warm up
            sequential(bare_url, [one] * 50, headers)
            single = sequential(url, [one] * 200, headers)
            # In turn, several rounds, medians: two cores make any one run noisy.
            runs: dict[str, list[tuple[float, float, float]]] = {"medcode": [], "bare": []}
            for _ in range(args.rounds):
                runs["medcode"].append(load(url, one, headers, args.seconds, args.connections))
                runs["bare"].append(load(bare_url, one, headers, args.seconds, args.connections))
        rps, p50, p99 = (statistics.median(r[i] for r in runs["medcode"]) for i in range(3))
        b_rps, b_p50, b_p99 = (statistics.median(r[i] for r in runs["bare"]) for i in range(3))
        sample = subprocess.run(
            [sys.executable, "-c", "from bench.sample import billable; "
             f"print(' '.join(billable({db_url!r}, 1400)))"],
            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        codes = sample[::7][:200]
        bulk_body = json.dumps({"query": BULK, "variables": {"c": codes}}).encode()
        bulk = sequential(url, [bulk_body] * 30, headers)
        # Cold: every request new to the server (nothing prepared, nothing in the result cache).
        cold_single = sequential(url, [json.dumps({"query": ONE, "variables": {"c": c}}).encode()
                                       for c in sample[1::7][:100]], headers)
        cold_bulk = sequential(url, [
            json.dumps({"query": BULK, "variables": {"c": sample[k::7][:200]}}).encode()
            for k in range(2, 7)], headers)
        fhir_url = f"http://127.0.0.1:{port}{FHIR_LOOKUP}"
        fhir_single = sequential(fhir_url, [fhir_lookup("E11.9")] * 200, headers)
        dotted = [c for c in sample if "." in c]  # ICD-10-CM's (PCS and HCPCS codes have none)
        fhir_cold = sequential(fhir_url, [fhir_lookup(c) for c in dotted[1::7][:100]], headers)
        searches = sequential(url, [json.dumps({"query": SEARCH, "variables": {"t": t}}).encode()
                                    for t in SEARCH_TEXTS * 10], headers)
        page = json.dumps({"query": CPT_PAGE, "variables": {"c": "96425"}}).encode()
        sequential(url, [page] * 20, licensed)
        cpt_licensed = sequential(url, [page] * 200, licensed)
        cpt_unlicensed = sequential(url, [page] * 200, headers)
        cpt_cold = sequential(url, [json.dumps({"query": CPT_PAGE, "variables": {"c": c}}).encode()
                                    for c in ("96420", "96422", "96423", "0001F", "0042T",
                                              "0001U", "99213")], licensed)
        peak = peak_rss_mb(proc.pid)

    rows += [
        ("one-code lookup, sequential p50 (ms)", f"{pct(single, 50):.2f}"),
        (f"one-code lookup req/s ({args.connections} conn, median of {args.rounds})",
         f"{rps:,.0f}"),
        ("one-code lookup p50 / p99 (ms)", f"{p50:.2f} / {p99:.2f}"),
        ("bare ASGI, same bytes req/s", f"{b_rps:,.0f}"),
        ("bare ASGI p50 / p99 (ms)", f"{b_p50:.2f} / {b_p99:.2f}"),
        ("lookup / bare throughput", f"{rps / b_rps:.2f}"),
        ("FHIR $lookup, sequential p50 / cold p50 (ms)",
         f"{pct(fhir_single, 50):.2f} / {pct(fhir_cold, 50):.2f}"),
        ("CPT 96425 page, licensed key, sequential p50 (ms)", f"{pct(cpt_licensed, 50):.2f}"),
        ("CPT 96425 page, key without licence, sequential p50 (ms)",
         f"{pct(cpt_unlicensed, 50):.2f}"),
        ("CPT page, licensed, cold p50 (ms)", f"{pct(cpt_cold, 50):.2f}"),
        ("200-code bulk p50 (ms)", f"{pct(bulk, 50):.1f}"),
        ("200 codes / one code (time)", f"{pct(bulk, 50) / pct(single, 50):.1f}x"),
        ("cold one-code lookup p50 (ms)", f"{pct(cold_single, 50):.2f}"),
        ("cold 200-code bulk p50 (ms)", f"{pct(cold_bulk, 50):.1f}"),
        ("cold 200 codes / cold one code", f"{pct(cold_bulk, 50) / pct(cold_single, 50):.1f}x"),
        ("search p50 / p95 over HTTP (ms)", f"{pct(searches, 50):.2f} / {pct(searches, 95):.2f}"),
        ("server peak memory (MB)", f"{peak:.0f}"),
        ("load generator", "wrk" if shutil.which("wrk") else "httpx (asyncio)"),
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
