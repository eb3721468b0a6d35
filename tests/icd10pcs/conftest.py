"""The bundled ICD-10-PCS FY2026 release, on SQLite and, when MEDCODE_TEST_POSTGRES_URL is set,
on PostgreSQL: this process's copy of the run's ``icd10pcs`` template (tests/databases.py), so
the folder's modules may run on any worker."""

from __future__ import annotations

from systems.icd10pcs.spec import ICD10PCS
from tests.databases import system_fixtures, systems_template

PCS_TEMPLATE = systems_template(ICD10PCS)

pcs_settings, pcs_engine, pcs_client, pcs_key = system_fixtures(
    "pcs", PCS_TEMPLATE, address="203.0.113.10")
