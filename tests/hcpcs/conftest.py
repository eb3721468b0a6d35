"""Both bundled HCPCS Level II releases (2025-10 and 2026-01), on SQLite: this process's copy of
the run's ``hcpcs`` template (tests/databases.py), so the folder's modules may run on any
worker."""

from __future__ import annotations

from systems.hcpcs.spec import HCPCS
from tests.databases import sqlite_only, system_fixtures, systems_template

HCPCS_TEMPLATE = systems_template(HCPCS)

hcpcs_settings, hcpcs_engine, hcpcs_client, hcpcs_key = system_fixtures(
    "hcpcs", HCPCS_TEMPLATE, address="203.0.113.9")

# The folder runs on SQLite only: the full release loaded on PostgreSQL too cost a minute of
# the CI budget on a two-core machine, and the way a parsed release is written, searched and
# read on PostgreSQL is the same for every system (tests/seed, tests/search, tests/codes,
# tests/ncci, tests/pfs and tests/licences run it there).
backend = sqlite_only
