"""Scale tests, on two releases as in production (a database of this folder's own: the reload
test rewrites FY2026). Those marked ``postgresql_only`` (replicas sharing one database) are left
out of the SQLite variant of the suite rather than skipped in it."""

from __future__ import annotations

import pytest

from tests.releases.conftest import two_releases

settings, engine, client, partner, fy2025 = two_releases("two_releases_scale")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        sqlite_variant = params.get("backend") == "sqlite"
        (drop if sqlite_variant and item.get_closest_marker("postgresql_only") else keep).append(
            item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
