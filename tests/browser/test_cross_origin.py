"""A front-end app on another origin calls medcode with fetch, as a browser enforces CORS."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.settings import Settings
from tests.browser.conftest import StaticSite, live_server

QUERY = '{ code(system: ICD10CM, code: "E11.9") { code display } }'

# The app: a POST with a key (preflighted: JSON and Authorization), then the same query twice
# over GET; the second GET revalidates the browser's cached copy (cache: "no-cache").
APP = """<!doctype html>
<meta charset="utf-8">
<title>A medcode front-end</title>
<pre id="out">running</pre>
<script>
const api = %(api)s, key = %(key)s, query = %(query)s;
const auth = {"Authorization": "Bearer " + key};
function quota(r) {
  return {status: r.status, limit: r.headers.get("X-RateLimit-Limit"),
          remaining: r.headers.get("X-RateLimit-Remaining"),
          policy: r.headers.get("RateLimit-Policy"), requestId: r.headers.get("X-Request-Id"),
          etag: r.headers.get("ETag"), cacheControl: r.headers.get("Cache-Control")};
}
async function main() {
  const post = await fetch(api, {method: "POST", body: JSON.stringify({query}),
                                 headers: {...auth, "Content-Type": "application/json"}});
  const posted = await post.json();
  const url = api + "?query=" + encodeURIComponent(query);
  const get1 = await fetch(url, {headers: auth, cache: "no-cache"});
  const got1 = await get1.json();
  const get2 = await fetch(url, {headers: auth, cache: "no-cache"});
  const got2 = await get2.json();
  return {post: {...quota(post), display: posted.data.code.display},
          get1: {...quota(get1), display: got1.data.code.display},
          get2: {...quota(get2), display: got2.data.code.display}};
}
main().then(v => { window.result = v; }, e => { window.result = {error: String(e)}; })
      .then(() => { document.getElementById("out").textContent = JSON.stringify(window.result); });
</script>
"""


@pytest.fixture(scope="module")
def sites(static_site_factory: Any) -> tuple[StaticSite, StaticSite]:
    """An allowed origin and one that is not."""
    return static_site_factory(), static_site_factory()


@pytest.fixture(scope="module")
def server(engine: Engine, settings: Settings,
           sites: tuple[StaticSite, StaticSite]) -> Iterator[str]:
    allowed, _ = sites
    with live_server(settings.database_url,
                     MEDCODE_CORS_ORIGINS=json.dumps([allowed.origin])) as url:
        yield url


def app_page(api: str, key: str) -> str:
    return APP % {"api": json.dumps(api), "key": json.dumps(key), "query": json.dumps(QUERY)}


def open_app(browser: Any, url: str) -> tuple[dict[str, Any], list[Any]]:
    """Run a page until it sets ``window.result``; also returns what went over the wire:
    (method, url, status) of each response as Chromium's network layer received it (the
    DevTools protocol, which, unlike the page, sees a 304 behind a revalidated cache entry)."""
    context = browser.new_context()
    page = context.new_page()
    methods: dict[str, str] = {}
    wire: list[Any] = []
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.requestWillBeSent",
           lambda e: methods.__setitem__(e["requestId"], e["request"]["method"]))
    cdp.on("Network.responseReceivedExtraInfo",
           lambda e: wire.append((e["requestId"], e["statusCode"])))
    responses: list[Any] = []
    cdp.on("Network.responseReceived", lambda e: responses.append(
        (e["requestId"], e["response"]["url"])))
    try:
        page.goto(url)
        page.wait_for_function("window.result !== undefined", timeout=30_000)
        result = page.evaluate("window.result")
    finally:
        context.close()
    urls = dict(responses)
    return result, [(methods.get(rid), urls.get(rid), status) for rid, status in wire]


def test_an_allowed_origin_reads_the_data_and_the_quota_headers(
        browser: Any, server: str, sites: tuple[StaticSite, StaticSite],
        engine: Engine) -> None:
    allowed, _ = sites
    secret, _ = create_key(engine, plan="free", name=f"cors test {uuid.uuid4().hex[:8]}")
    allowed.pages["/app.html"] = app_page(f"{server}/graphql", secret)
    result, responses = open_app(browser, f"{allowed.origin}/app.html")

    assert "error" not in result, result
    post, get1, get2 = result["post"], result["get1"], result["get2"]
    assert post["display"] == "Type 2 diabetes mellitus without complications"
    # Exposed to the script through Access-Control-Expose-Headers:
    assert (post["limit"], post["remaining"]) == ("6", "5")
    assert post["policy"] == '"day";q=6;w=86400'
    assert post["requestId"]
    assert get1["display"] == post["display"] and get1["remaining"] == "4"
    assert get1["etag"].startswith('W/"') and get1["cacheControl"] == "no-cache"
    # The repeat was revalidated: the browser sent If-None-Match, the server answered 304 and
    # still charged a view (the 304's quota headers refresh the cached copy's).
    assert get2["display"] == post["display"] and get2["etag"] == get1["etag"]
    assert get2["remaining"] == "3"
    api = [(method, status) for method, url, status in responses
           if (url or "").startswith(f"{server}/graphql")]
    assert [s for m, s in api if m == "GET"] == [200, 304], api
    assert [s for m, s in api if m == "POST"] == [200], api
    assert ("OPTIONS", 200) in api  # a key in a header: the browser asked first (preflight)


def test_another_origin_is_refused_by_the_browser(
        browser: Any, server: str, sites: tuple[StaticSite, StaticSite],
        engine: Engine) -> None:
    allowed, other = sites
    secret, _ = create_key(engine, plan="free", name=f"cors test {uuid.uuid4().hex[:8]}")
    other.pages["/app.html"] = app_page(f"{server}/graphql", secret)
    result, _ = open_app(browser, f"{other.origin}/app.html")
    assert result == {"error": "TypeError: Failed to fetch"}
    # The preflight failed, so the POST was never sent: nothing was charged.
    allowed.pages["/viewer.html"] = VIEWER % {"api": json.dumps(f"{server}/graphql"),
                                              "key": json.dumps(secret)}
    seen, _ = open_app(browser, f"{allowed.origin}/viewer.html")
    assert seen == {"used": 0}


VIEWER = """<!doctype html>
<script>
fetch(%(api)s, {method: "POST", headers: {"Content-Type": "application/json",
                                           "Authorization": "Bearer " + %(key)s},
                body: JSON.stringify({query: "{ viewer { quota { used } } }"})})
  .then(r => r.json())
  .then(b => { window.result = b.data.viewer.quota; },
        e => { window.result = {error: String(e)}; });
</script>
"""
