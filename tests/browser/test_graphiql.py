"""GraphiQL as a person meets it: open /graphql, run the example, paste a key, run it again."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.settings import Settings
from tests.browser.conftest import OUT, live_server

TITLE = "Type 2 diabetes mellitus without complications"
GUEST_LIMIT = 50
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
LIMITS = json.dumps({"guest": GUEST_LIMIT, "free": 6, "pro": 10_000, "partner": None})


@pytest.fixture(scope="module")
def server(engine: Engine, settings: Settings) -> Iterator[str]:
    with live_server(settings.database_url, MEDCODE_PLAN_LIMITS=LIMITS) as url:
        yield url


RESULT = ".result-window .CodeMirror"
# CodeMirror draws only the lines in view: read the pane's whole text from its editor.
RESULT_HAS = "t => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()" \
    ".includes(t)"


def result_text(page: Any) -> str:
    return str(page.eval_on_selector(RESULT, "e => e.CodeMirror.getValue()"))


def run_example(page: Any, api: str) -> Any:
    """Press ▶ and return the example's HTTP response (as the browser saw it)."""

    def is_example(response: Any) -> bool:
        request = response.request
        return (response.url == api and request.method == "POST"
                and "CodePage" in (request.post_data or ""))

    with page.expect_response(is_example, timeout=30_000) as caught:
        page.click(".graphiql-execute-button")
    return caught.value


def test_graphiql_runs_the_example_and_a_key_changes_the_quota(
        browser: Any, server: str, engine: Engine) -> None:
    api = f"{server}/graphql"
    secret, _ = create_key(engine, plan="free", name=f"browser test {uuid.uuid4().hex[:8]}")
    context = browser.new_context(viewport={"width": 1600, "height": 960})
    page = context.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" else None)
    try:
        page.goto(api)
        assert page.title() == "medcode · GraphiQL"
        page.wait_for_selector(".graphiql-execute-button", timeout=30_000)
        # The worked example and the header placeholder are there before anything is typed.
        editors = page.eval_on_selector_all(
            ".CodeMirror", "els => els.map(e => e.CodeMirror.getValue())")
        assert any('code(system: ICD10CM, code: "E11.9")' in text and "search(" in text
                   and "related" in text and "guidelines" in text for text in editors)
        headers_text = page.eval_on_selector(HEADERS_EDITOR, "e => e.CodeMirror.getValue()")
        assert json.loads(headers_text) == {"Authorization": "Bearer <your key>"}

        # 1. As a guest: the placeholder header is not sent, the code comes back, notes gated.
        guest = run_example(page, api)
        assert "authorization" not in guest.request.all_headers()
        assert guest.status == 200
        guest_headers = guest.all_headers()
        assert guest_headers["x-ratelimit-limit"] == str(GUEST_LIMIT)
        page.wait_for_function(
            RESULT_HAS,
            arg="REGISTRATION_REQUIRED", timeout=30_000)
        shown = result_text(page)
        assert TITLE in shown and '"plan": "guest"' in shown
        assert TITLE in page.inner_text(".result-window")  # on screen, near the top

        # 2. A key pasted into the Headers tab: sent, and the quota headers are the key's.
        page.click(HEADERS_EDITOR)
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(json.dumps({"Authorization": f"Bearer {secret}"}))
        keyed = run_example(page, api)
        assert keyed.request.all_headers()["authorization"] == f"Bearer {secret}"
        first = keyed.all_headers()
        assert (first["x-ratelimit-limit"], first["x-ratelimit-remaining"]) == ("6", "5")
        assert first["ratelimit-policy"] == '"day";q=6;w=86400'
        page.wait_for_function(
            RESULT_HAS,
            arg='"plan": "free"', timeout=30_000)
        shown = result_text(page)
        assert TITLE in shown and '"sourceCode": "E11"' in shown  # notes, inherited from E11
        assert "REGISTRATION_REQUIRED" not in shown

        # 3. Again: one more code view used.
        again = run_example(page, api)
        assert again.all_headers()["x-ratelimit-remaining"] == "4"
        page.wait_for_function(
            RESULT_HAS,
            arg='"used": 2', timeout=30_000)

        # The Docs pane shows the schema's own descriptions.
        page.click('[aria-label="Show Documentation Explorer"]')
        page.locator(".graphiql-doc-explorer").get_by_role(
            "link", name="Query", exact=True).click()
        page.wait_for_selector(".graphiql-doc-explorer >> text=One code by its code",
                               timeout=30_000)
        docs = page.inner_text(".graphiql-doc-explorer")
        assert "Read ICD-10-CM" in docs and "Several codes in one request" in docs

        page.click('[aria-label="Hide editor tools"]')  # the key stays off the picture
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / "graphiql.png"))
        if not (OUT / "graphiql.png").stat().st_size:
            pytest.fail("the screenshot is empty")
    finally:
        context.close()

    # Everything came from this server: no CDN, nothing downloaded from elsewhere.
    outside = [u for u in requested if not u.startswith((server, "data:", "blob:"))]
    assert not outside, outside
    assert not problems, problems

