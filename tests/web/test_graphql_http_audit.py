"""The GraphQL-over-HTTP spec's own audit suite, ``graphql-http``'s ``serverAudits`` (npm),
against a real server: every audit passes, none only warns.

The suite is pinned in ``tests/web/audit/package.json`` and ``package-lock.json`` and installed
by ``npm ci`` in that folder (``.ci/run`` does it before pytest). Without ``node`` or the
installed package the test skips with the reason, except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import Databases
from tests.live import live_server

AUDIT = Path(__file__).resolve().parent / "audit"
INSTALLED = AUDIT / "node_modules" / "graphql-http" / "package.json"
LIMITS = json.dumps({"guest": 100_000, "free": 6, "pro": 10_000, "partner": None})


def unavailable(reason: str) -> None:
    """Skip, or fail under CI (where the audit must run)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the GraphQL-over-HTTP audit may not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        unavailable("node is not installed: the GraphQL-over-HTTP audit runs on Node.js")
    if not INSTALLED.is_file():
        unavailable(f"graphql-http is not installed: run `npm ci` in {AUDIT}")
    return str(found)


@pytest.fixture(scope="module")
def server(databases: Databases) -> Iterator[str]:
    """``uvicorn service.main:app`` on the loaded ICD-10-CM release (SQLite: the audit is
    about HTTP, the same on every database)."""
    url = databases.url("sqlite", "fy2026", "loaded")
    with live_server(url, MEDCODE_PLAN_LIMITS=LIMITS) as base:
        yield base


def test_every_graphql_over_http_audit_passes(node: str, server: str) -> None:
    run = subprocess.run([node, "audit.mjs", f"{server}/graphql"], cwd=AUDIT,
                         capture_output=True, text=True, timeout=300, check=False)
    print(run.stdout)  # each audit's verdict, in the test's output (pytest -s, or on failure)
    lines = run.stdout.splitlines()
    results_line = next((line for line in lines if line.startswith("RESULTS ")), None)
    assert results_line is not None, f"the audit did not finish:\n{run.stdout}\n{run.stderr}"
    results = json.loads(results_line.removeprefix("RESULTS "))
    version = json.loads(INSTALLED.read_text())["version"]
    assert len(results) >= 60, f"graphql-http {version} ran only {len(results)} audits"
    not_passed = [f"{r['status']} {r['id']} {r['name']}: {r['reason']}"
                  for r in results if r["status"] != "ok"]
    assert not not_passed, "\n".join(not_passed)
    assert run.returncode == 0, run.stderr
