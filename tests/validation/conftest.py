"""Validation tests reuse the FY2025 release fixture for the cross-release findings."""

from tests.releases.conftest import fy2025  # noqa: F401
