"""Scale tests. Those marked ``postgresql_only`` (replicas sharing one database) are left out
of the SQLite variant of the suite rather than skipped in it."""

from __future__ import annotations

import pytest

from tests.releases.conftest import fy2025  # noqa: F401  (two releases, as in production)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        sqlite_variant = params.get("settings") == "sqlite"
        (drop if sqlite_variant and item.get_closest_marker("postgresql_only") else keep).append(
            item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
