from tests.releases.conftest import fy2025  # noqa: F401  (two releases, as in production)
