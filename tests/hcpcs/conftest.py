"""Both bundled HCPCS Level II releases (2025-10 and 2026-01), on SQLite and, when
MEDCODE_TEST_POSTGRES_URL is set, on PostgreSQL: this process's copy of the run's ``hcpcs``
template (tests/databases.py), so the folder's modules may run on any worker."""

from __future__ import annotations

from systems.hcpcs.spec import HCPCS
from tests.databases import system_fixtures, systems_template

HCPCS_TEMPLATE = systems_template(HCPCS)

hcpcs_settings, hcpcs_engine, hcpcs_client, hcpcs_key = system_fixtures(
    "hcpcs", HCPCS_TEMPLATE, address="203.0.113.9")
