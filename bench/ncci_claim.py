"""Claim lines in ``python -m bench.validate``: ``validateClaim`` on a 20-line claim with 4
diagnoses, executed in-process on the schema with a fresh request context each time (as the
``validateCodes`` figures are), with a million-row practitioner PTP table loaded.

The database gets ICD-10-CM and HCPCS (``medcode seed``), a generated million-row PTP part in
CMS's layout (``bench.ncci_load.generate``, as ``ccipra-v322r0-f1``) and the test fixtures' other
2026-Q3 files (PTP part f4 with the HCPCS pairs the claim hits, the MUEs, the add-on edits);
each load is skipped when already there.

Measured as the service runs it: the schema from ``build_schema`` (the parsed and validated
document kept, as in the service), and after a warm-up, so the releases' codes, notes and NCCI
edits that the claim reads are already kept in memory (``domain.rows.ReleaseRows``,
``domain.ncci.kept_mues``), as they are in a serving process for the codes most claims carry. The
cold figure drops those before each claim: a claim whose codes this process never read.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, event

from domain.metering.viewer import Viewer
from domain.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "ncci" / "data"
QUERY = """query($lines: [ClaimLineInput!]!, $dx: [String!], $d: Date) {
  validateClaim(dateOfService: $d, diagnoses: $dx, lines: $lines) {
    valid ncciRelease
    findings { severity kind lines diagnoses codes message suggestions { code } }
  }
}"""
CODES = ["G0438", "G0439", "G0402", "G0403", "G0008", "G0009", "J9035", "J7050", "J2405",
         "J1100", "A4550", "E0100", "E0105", "G2212", "G0176", "G0453", "J9045", "J9060",
         "G0102", "G0103"]
LINES = [{"system": "HCPCS", "code": c, "modifiers": ["XE"] if c == "G0403" else [],
          "units": 2 if c == "A4550" else 1} for c in CODES]
DIAGNOSES = ["E11.9", "I10", "E78.5", "Z79.4"]


def prepare(db_url: str) -> None:
    """Load what the claim needs (quick when already loaded)."""
    from domain.db import make_engine
    from service.migrate import upgrade
    from systems.ncci.load import load_file

    env = {"MEDCODE_DATABASE_URL": db_url}
    for system in ("icd10cm", "hcpcs"):
        subprocess.run([sys.executable, "-m", "service.cli", "seed", system],
                       env={**os.environ, **env}, cwd=ROOT, check=True,
                       capture_output=True)
    engine = make_engine(Settings(database_url=db_url))
    upgrade(engine)
    from bench.ncci_load import NAME, generate

    with tempfile.TemporaryDirectory(prefix="ncci-claim-") as tmp:
        big = Path(tmp) / NAME
        with engine.connect() as conn:
            from domain.ncci import release_rows

            have = release_rows(conn, "PTP", "PRACTITIONER", "2026-Q3", "f1")
        if not have:
            generate(big, 1_000_000)
            load_file(engine, big)
    for name in ("ccipra-v322r0-f4.TXT", "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv",
                 "AOC_V2026Q3-F-MCR.txt"):
        load_file(engine, FIXTURES / name)
    engine.dispose()


def measure(engine: Engine, settings: Settings, rounds: int
            ) -> tuple[list[float], float, int, dict[str, int], list[float]]:
    """Timings (ms), CPU ms per claim, statements per claim, the kinds found, and timings (ms)
    of claims read cold (nothing kept in memory)."""
    from domain.ncci import forget_kept_edits
    from domain.rows import forget_kept
    from schema import build_schema
    from schema.context import Context

    schema = build_schema(settings=settings)
    variables = {"lines": LINES, "dx": DIAGNOSES, "d": "2026-08-01"}
    viewer = Viewer(plan="partner", key_id=0, subject="bench")

    async def once() -> dict[str, int]:
        ctx = Context(engine, settings, viewer)
        try:
            result = await schema.execute(QUERY, variable_values=variables, context_value=ctx)
        finally:
            ctx.close()
        if result.errors:
            raise SystemExit(f"validateClaim failed: {result.errors[0]}")
        assert result.data is not None
        kinds: dict[str, int] = {}
        for f in result.data["validateClaim"]["findings"]:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        return kinds

    async def run() -> tuple[list[float], float, int, dict[str, int], list[float]]:
        for _ in range(10):
            kinds = await once()
        count = 0

        def on(*_: object) -> None:
            nonlocal count
            count += 1

        event.listen(engine, "before_cursor_execute", on)
        await once()
        event.remove(engine, "before_cursor_execute", on)
        times = []
        cpu = time.process_time()
        for _ in range(rounds):
            t = time.perf_counter()
            await once()
            times.append((time.perf_counter() - t) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / rounds
        cold = []
        for _ in range(max(10, rounds // 4)):
            forget_kept()
            forget_kept_edits()
            t = time.perf_counter()
            await once()
            cold.append((time.perf_counter() - t) * 1000)
        return times, cpu_ms, count, kinds, cold

    return asyncio.run(run())


def claim_rows(db_url: str, rounds: int) -> list[tuple[str, str]]:
    from bench.lookup import pct
    from domain.db import make_engine

    prepare(db_url)
    settings = Settings(database_url=db_url)
    engine = make_engine(settings)
    with engine.connect() as conn:
        from sqlalchemy import text

        ptp_rows = conn.execute(text("SELECT count(*) FROM ncci_ptp")).scalar_one()
    times, cpu, statements, kinds, cold = measure(engine, settings, rounds)
    engine.dispose()
    return [
        ("claim lines: PTP rows loaded", f"{ptp_rows:,}"),
        ("20-line claim, 4 diagnoses: findings",
         ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))),
        ("20-line claim: SQL statements", str(statements)),
        ("20-line claim, in the service: p50 / p95 (ms)",
         f"{statistics.median(times):.2f} / {pct(times, 95):.2f}"),
        ("20-line claim: CPU per claim (ms) / load average",
         f"{cpu:.2f} / {os.getloadavg()[0]:.1f}"),
        ("20-line claim, codes never read before: p50 / p95 (ms)",
         f"{statistics.median(cold):.2f} / {pct(cold, 95):.2f}"),
    ]
