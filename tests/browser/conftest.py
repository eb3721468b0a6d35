"""A real browser against a real server: Debian's Chromium, driven by Playwright.

Nothing here downloads a browser: Playwright is pointed at ``/usr/bin/chromium`` (Debian package
``chromium``; ``.ci/run`` installs it). Without it, or without the ``playwright`` package, these
tests skip with the reason, except under CI (``CI`` set), where they fail.

The server is ``uvicorn service.main:app`` in a subprocess on a free loopback port, on the
session's database (``engine`` has loaded the release), configured through the environment as
a deployment would be.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.databases import sqlite_only
from tests.live import free_port, live_server  # noqa: F401  (used by the tests here)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
OUT = ROOT / "bench" / "out"


def unavailable(reason: str) -> None:
    """Skip, or fail under CI (where the browser must run)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests may not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing: apt-get install chromium (Debian) to run "
                    "browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class StaticSite:
    """A tiny web server for pages that a test writes: another origin than the API's."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                page = site.pages.get(self.path.split("?")[0])
                body = (page or "not found").encode()
                self.send_response(200 if page is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def static_site_factory() -> Iterator[Callable[[], StaticSite]]:
    sites: list[StaticSite] = []

    def make() -> StaticSite:
        site = StaticSite()
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()

# The folder runs on SQLite only: what these tests check is HTTP behaviour over the domain
# layer, the same on every database, whose own tests run on SQLite and PostgreSQL alike (the
# suite's time is the budget every later change shares).
backend = sqlite_only
