"""Validation tests run on FY2025 and FY2026 (a database of this folder's own) for the
cross-release findings."""

from tests.releases.conftest import two_releases

settings, engine, client, partner, fy2025 = two_releases("two_releases")
