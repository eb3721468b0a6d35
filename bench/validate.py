"""Claim validation benchmark: ``python -m bench.validate`` prints a table.

Validates a realistic 25-code claim (mostly clean codes, with a header, a code missing its 7th
character, a typo and an Excludes1 pair, so every check runs):

- in the service: the GraphQL operation executed in-process on the schema, with a fresh request
  context each time (no HTTP): p50 / p95 and claims per second on one core;
- over HTTP on loopback against a real uvicorn server (partner key, metering on): sequential
  p50, and claims per second with concurrent connections (``wrk`` when installed, else an asyncio
  client);
- a 500-code claim (the limit) in the service, and the SQL statements per claim.

Options: ``--db URL`` (default: a SQLite file under bench/out, seeded once and reused),
``--seconds N``, ``--connections N``, ``--rounds N``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from pathlib import Path

from sqlalchemy import Engine, event

from bench.lookup import (
    OUT,
    free_port,
    load,
    make_key,
    pct,
    print_table,
    seed,
    sequential,
    server,
)
from bench.sample import billable
from domain.db import make_engine
from domain.metering.viewer import Viewer
from domain.settings import Settings
from schema import build_schema
from schema.context import Context

QUERY = """query($codes: [String!]!, $date: Date) {
  validateCodes(system: ICD10CM, codes: $codes, dateOfService: $date) {
    valid release
    findings { severity kind codes positions message suggestions { code display billable } }
  }
}"""

CLAIM_25 = [
    "E11.22", "N18.31", "Z79.4", "I12.9", "E78.5", "I25.10", "I48.91", "Z79.01", "J44.1",
    "J96.01", "R06.02", "E87.1", "D63.1", "F32.A", "G47.33", "M17.11", "Z96.651", "K21.9",
    "E66.9", "Z68.32",
    "E11", "S52.001", "E11.99",  # a header, a missing 7th character, a typo
    "E10.9", "G63",  # Excludes1 with E11.22; a manifestation without its condition
]
assert len(CLAIM_25) == 25


def claim_500(db_url: str) -> list[str]:
    """The 25-code claim and 475 billable codes spread over the tabular."""
    return (CLAIM_25 + billable(db_url, 475))[:500]


def in_process(engine: Engine, settings: Settings, codes: list[str], rounds: int
               ) -> tuple[list[float], int, dict[str, int]]:
    """Timings (ms) of executing the operation in-process; statements per claim; kinds found."""
    schema = build_schema(settings=settings)
    variables = {"codes": codes, "date": None}
    viewer = Viewer(plan="partner", key_id=0, subject="bench")

    async def once() -> dict[str, int]:
        ctx = Context(engine, settings, viewer)
        try:
            result = await schema.execute(QUERY, variable_values=variables, context_value=ctx)
        finally:
            ctx.close()
        if result.errors:
            raise SystemExit(f"validateCodes failed: {result.errors[0]}")
        assert result.data is not None
        kinds: dict[str, int] = {}
        for f in result.data["validateCodes"]["findings"]:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        return kinds

    async def run() -> tuple[list[float], int, dict[str, int]]:
        for _ in range(5):  # warm up: caches, statement compilation
            kinds = await once()
        count = 0

        def on(*_: object) -> None:
            nonlocal count
            count += 1

        event.listen(engine, "before_cursor_execute", on)
        await once()
        event.remove(engine, "before_cursor_execute", on)
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            await once()
            times.append((time.perf_counter() - t) * 1000)
        return times, count, kinds

    return asyncio.run(run())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="database URL (default: bench/out/validate.db, seeded once)")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--claims-only", action="store_true",
                    help="only the claim-lines figures (validateClaim, bench/ncci_claim.py)")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    db_url = args.db or f"sqlite:///{OUT / 'validate.db'}"
    from bench.ncci_claim import claim_rows

    claims = claim_rows(db_url, args.rounds)
    if args.claims_only:
        print_table(claims)
        return
    seed(db_url)  # idempotent: quick when the release is already loaded
    settings = Settings(database_url=db_url)
    engine = make_engine(settings)

    small, statements, kinds = in_process(engine, settings, CLAIM_25, args.rounds)
    big_claim = claim_500(db_url)
    big, big_statements, _ = in_process(engine, settings, big_claim, max(10, args.rounds // 10))
    engine.dispose()

    key = make_key(db_url)
    headers = {"Authorization": f"Bearer {key}"}
    env = {**os.environ, "MEDCODE_DATABASE_URL": db_url}
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    body = json.dumps({"query": QUERY, "variables": {"codes": CLAIM_25}}).encode()
    with server("service.main:app", env, port):
        sequential(url, [body] * 30, headers)  # warm up
        http = sequential(url, [body] * args.rounds, headers)
        rps, p50, p99 = load(url, body, headers, args.seconds, args.connections)

    rows = [
        ("database", db_url.split(":", 1)[0] + (f" ({Path(db_url[10:]).name})"
                                                 if db_url.startswith("sqlite") else "")),
        ("25-code claim: findings", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))),
        ("25-code claim: SQL statements", str(statements)),
        ("25-code claim, in the service: p50 / p95 (ms)",
         f"{statistics.median(small):.2f} / {pct(small, 95):.2f}"),
        ("25-code claim, in the service: claims/s (1 core)",
         f"{1000 / statistics.median(small):,.0f}"),
        ("25-code claim over HTTP, sequential p50 (ms)", f"{pct(http, 50):.2f}"),
        (f"25-code claim over HTTP: claims/s ({args.connections} conn)", f"{rps:,.0f}"),
        ("25-code claim over HTTP: p50 / p99 under load (ms)", f"{p50:.2f} / {p99:.2f}"),
        ("500-code claim, in the service: p50 (ms)", f"{statistics.median(big):.1f}"),
        ("500-code claim: SQL statements", str(big_statements)),
        *claims,
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
