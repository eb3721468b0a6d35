"""A real server for tests that need one: ``uvicorn service.main:app`` on a free loopback port."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.serving import ServerFailed, free_port, serving


@contextmanager
def live_server(database_url: str, **env: str) -> Iterator[str]:
    """``uvicorn service.main:app`` on a free port; yields its base URL once /healthz is 200."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MEDCODE_")}
    environment.update({"MEDCODE_DATABASE_URL": database_url, "MEDCODE_LOG_LEVEL": "WARNING",
                        **env})
    command = [sys.executable, "-m", "uvicorn", "service.main:app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    try:
        with serving(command, environment, port):
            yield f"http://127.0.0.1:{port}"
    except ServerFailed as exc:
        pytest.fail(str(exc))
