"""The bundled ICD-10-PCS FY2026 release, on SQLite: this process's copy of the run's
``icd10pcs`` template (tests/databases.py), so the folder's modules may run on any worker."""

from __future__ import annotations

from systems.icd10pcs.spec import ICD10PCS
from tests.databases import sqlite_only, system_fixtures, systems_template

PCS_TEMPLATE = systems_template(ICD10PCS)

pcs_settings, pcs_engine, pcs_client, pcs_key = system_fixtures(
    "pcs", PCS_TEMPLATE, address="203.0.113.10")

# The folder runs on SQLite only: the full release loaded on PostgreSQL too cost a minute of
# the CI budget on a two-core machine, and the way a parsed release is written, searched and
# read on PostgreSQL is the same for every system (tests/seed, tests/search, tests/codes,
# tests/ncci, tests/pfs and tests/licences run it there).
backend = sqlite_only
