"""One settings object, read from the environment (``MEDCODE_*``) with pydantic-settings."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError
from sqlalchemy.engine import make_url

ENV_PREFIX = "MEDCODE_"
PLANS = ("guest", "free", "pro", "partner")  # every plan the service knows


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    database_url: str = "sqlite:///./medcode.db"
    redis_url: str | None = None

    # Connection pool (PostgreSQL); SQLite uses one connection per thread.
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_timeout: float = 5.0
    # Seconds to wait for PostgreSQL, or Redis at start, to accept a connection and answer
    # (libpq counts whole seconds, and at least 2): a server that accepts but never answers
    # stops `medcode serve` with one line after this long.
    connect_timeout: int = Field(default=5, ge=1)

    # Daily code views per plan; None means unlimited.
    plan_limits: dict[str, int | None] = Field(
        default_factory=lambda: {"guest": 1, "free": 6, "pro": 10_000, "partner": None}
    )
    # Proxies whose X-Forwarded-For is trusted (exact client addresses).
    trusted_proxies: list[str] = Field(default_factory=list)
    # Registrations allowed per client address per day.
    registrations_per_day: int = 3

    # Request bounds.
    max_codes: int = 500
    max_first: int = 100
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2_000
    max_search_text: int = 256
    max_body_bytes: int = 1_000_000

    # Query results kept in memory per process (reference data changes only with a release);
    # 0 turns the cache off.
    result_cache_entries: int = 4096
    # The fast path (service.fastpath): repeated POSTs answered from prepared bytes, up to this
    # many bytes of them per process; it needs the result cache. A replica re-reads the loaded
    # releases, and re-checks a key it has seen, at most this many seconds apart (a load or a
    # revocation in another process shows within it; 0 checks on every request).
    fast_path: bool = True
    fast_path_bytes: int = 64_000_000
    fast_path_recheck_seconds: float = 1.0

    # Automatic persisted queries: query texts kept per process in an LRU (and in Redis, when
    # set, for this many seconds after their last use); a longer query runs but is not kept.
    persisted_query_entries: int = 10_000
    persisted_query_ttl: int = 30 * 86_400
    persisted_query_max_chars: int = 100_000

    # Logs: "text" or "json" (one object per line, with the request id).
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    # A line per request (logger medcode.access, at INFO).
    access_log: bool = True
    # Browser origins allowed to call the API (CORS); none by default.
    cors_origins: list[str] = Field(default_factory=list)

    @field_validator("plan_limits")
    @classmethod
    def _every_plan_limited(cls, limits: dict[str, int | None]) -> dict[str, int | None]:
        missing = [p for p in PLANS if p not in limits]
        if missing:
            raise ValueError(f"no limit for the plan(s) {', '.join(missing)}: give every plan "
                             f"({', '.join(PLANS)}) a daily limit, or null for unlimited")
        return limits

    @property
    def sqlalchemy_url(self) -> str:
        """``database_url`` with our driver: users give plain URLs (``sqlite:///PATH``,
        ``postgresql://USER@HOST:PORT/DB``), and the service picks psycopg 3 for PostgreSQL."""
        parsed = make_url(self.database_url)
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)


@lru_cache
def get_settings() -> Settings:
    return Settings()


_FIELD = re.compile(r'field "(\w+)"')


def settings_problem(exc: ValidationError | SettingsError) -> str:
    """What is wrong with the ``MEDCODE_*`` environment, on one line (for the CLI)."""
    if isinstance(exc, SettingsError):  # a value that is not even JSON
        found = _FIELD.search(str(exc))
        name = ENV_PREFIX + found.group(1).upper() if found else "a MEDCODE_ variable"
        return f"{name} is not valid JSON ({exc.__cause__ or exc})"
    problems = []
    for error in exc.errors():
        field, *inner = error["loc"]
        ctx = error.get("ctx") or {}
        message = str(ctx["error"]) if error["type"] == "value_error" and "error" in ctx \
            else str(error["msg"])
        where = "".join(f"[{part!r}]" for part in inner)
        problems.append(f"{ENV_PREFIX}{str(field).upper()}{where}={error['input']!r}: {message}")
    return "; ".join(problems)
