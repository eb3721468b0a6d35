"""The GraphiQL page and its assets come from this package (no CDN), and ship in the wheel."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

from fastapi.testclient import TestClient
from graphql import parse, validate

from schema import build_schema
from service import ide

ROOT = Path(__file__).resolve().parents[2]


def page_config(html: str) -> dict[str, str]:
    found = re.search(r'<script id="medcode-config" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found, "the page carries its configuration"
    return dict(json.loads(found.group(1)))


def test_a_browser_gets_graphiql_from_this_server(web: TestClient) -> None:
    page = web.get("/graphql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-cache"
    html = page.text
    assert "<title>medcode · GraphiQL</title>" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [s for s in sources if not s.startswith("data:")]
    assert len(assets) == 4
    for url in assets:
        assert url.startswith("/static/graphiql/") and "?v=" in url, url
        asset = web.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        kind = "text/css" if url.split("?")[0].endswith(".css") else "javascript"
        assert kind in asset.headers["content-type"]
    unversioned = web.get("/static/graphiql/graphiql.min.js")
    assert unversioned.headers["Cache-Control"] == "no-cache"
    assert web.get("/static/graphiql/LICENSE.graphiql").text.startswith("MIT License")
    assert web.get("/static/graphiql/../app.py").status_code == 404


def test_the_example_and_the_header_placeholder() -> None:
    config = page_config(ide.graphiql_html("/graphql"))
    assert config["endpoint"] == "/graphql"
    query = config["query"]
    errors = validate(build_schema()._schema, parse(query))
    assert not errors, errors
    for part in ('code(system: ICD10CM, code: "E11.9")', "related {", "guidelines {",
                 "search(", "viewer {"):
        assert part in query, part
    assert json.loads(config["headers"]) == {"Authorization": "Bearer <your key>"}
    # The placeholder is a "<...>" the page's fetcher recognises and leaves out.
    assert re.fullmatch(r"<[^<>]*>", config["placeholder"])
    assert "/<[^<>]*>/" in ide.TEMPLATE.read_text()


def test_scripts_and_json_cannot_break_out_of_the_page() -> None:
    html = ide.graphiql_html("/graphql</script><script>alert(1)//")
    assert "</script><script>alert(1)" not in html
    assert page_config(html)["endpoint"] == "/graphql</script><script>alert(1)//"


def test_a_get_with_a_query_or_a_persisted_hash_is_an_operation_not_the_page(
        web: TestClient) -> None:
    browser = {"Accept": "text/html,*/*"}
    r = web.get("/graphql", params={"query": "{ __typename }"}, headers=browser)
    assert r.json() == {"data": {"__typename": "Query"}, "extensions": r.json()["extensions"]}
    hashed = web.get("/graphql", headers=browser, params={"extensions": json.dumps(
        {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}})})
    assert hashed.headers["content-type"].startswith("application/json")


def test_the_assets_are_package_data_and_modest() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["service"]
    service = ROOT / "service"
    shipped = [ide.TEMPLATE, *sorted(ide.STATIC_DIR.iterdir())]
    for path in shipped:
        relative = path.relative_to(service).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative
    names = {p.name for p in shipped}
    assert {"LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom", "SOURCES"} <= names
    assert set(ide.ASSETS) <= names
    total = sum(p.stat().st_size for p in shipped)
    assert total < 2_000_000, f"{total:,} bytes of GraphiQL assets"
