"""GraphiQL, served from this package: a browser's ``GET /graphql`` gets the page, and its
scripts and styles come from ``/static/graphiql/`` (nothing is fetched from a CDN).

The vendored files in ``service/static/graphiql/`` are the npm registry's own builds, unchanged:
``graphiql@3.9.0`` (``graphiql.min.js``, ``graphiql.min.css``, its fonts inlined) and
``react@18.3.1`` / ``react-dom@18.3.1`` (``umd/*.production.min.js``), each with its MIT
``LICENSE.*``. The page links them with a content hash (``?v=…``) so they are cached for a year
and replaced as soon as they change.

The page opens with a worked example (E11.9 with its notes, a search, the caller's quota) and a
header editor holding ``{"Authorization": "Bearer <your key>"}``. A header whose value still holds
a ``<…>`` placeholder is not sent, so the example runs as a guest until a real key is pasted in;
a wrong key (no ``<…>``) is sent, and its 401 explains itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).with_name("static") / "graphiql"
STATIC_PATH = "/static/graphiql"
TEMPLATE = Path(__file__).with_name("graphiql.html")
ASSETS = ("graphiql.min.css", "react.production.min.js", "react-dom.production.min.js",
          "graphiql.min.js")

KEY_PLACEHOLDER = "<your key>"
DEFAULT_HEADERS = json.dumps({"Authorization": f"Bearer {KEY_PLACEHOLDER}"}, indent=2)

DEFAULT_QUERY = """\
# medcode: ICD-10-CM as GraphQL.
#
# Run this example with ▶ (or Ctrl-Enter):
# E11.9 with its notes, a search, your quota.
#
# `related` and `guidelines` (the notes) need
# an API key. Get a free one with
#   mutation {
#     register(email: "me@example.com") { key }
#   }
# and put it in place of <your key> in the
# Headers tab below. Until then that header is
# not sent: you are a guest, and the notes come
# back null with a REGISTRATION_REQUIRED error.
#
# Docs (the book icon, top left) documents
# every type, field and argument; Ctrl-Space
# completes names as you type.

query CodePage {
  code(system: ICD10CM, code: "E11.9") {
    code
    display
    billable
    parent { code display }
    descriptions { kind text }
    related {
      kind
      note
      targetCode
      sourceCode
      targets { code display }
    }
    guidelines { kind text sourceCode }
  }
  search(text: "type 2 diabetes hyperglycemia",
         billableOnly: true, first: 5) {
    totalCount
    edges { score node { code display } }
  }
  viewer {
    plan
    quota { limit used remaining resetAt }
  }
}
"""


@lru_cache
def asset_versions() -> dict[str, str]:
    """A short content hash of each vendored file, for cache-busting URLs."""
    return {name: hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
            for name in ASSETS}


def asset_url(name: str) -> str:
    return f"{STATIC_PATH}/{name}?v={asset_versions()[name]}"


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


@lru_cache
def graphiql_html(endpoint: str = "/graphql") -> str:
    config = {"endpoint": endpoint, "query": DEFAULT_QUERY, "headers": DEFAULT_HEADERS,
              "placeholder": KEY_PLACEHOLDER}
    html = TEMPLATE.read_text(encoding="utf-8")
    for name in ASSETS:
        html = html.replace(f"{{{{{name}}}}}", asset_url(name))
    return html.replace("{{config}}", _script_json(config))


def graphiql_response(endpoint: str = "/graphql") -> HTMLResponse:
    return HTMLResponse(graphiql_html(endpoint), headers={
        "Cache-Control": "no-cache",
        "Vary": "Accept",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    })


class VendoredStaticFiles(StaticFiles):
    """The GraphiQL assets: cached for a year when asked for by their versioned URL."""

    def file_response(self, full_path: PathLike[str] | str, stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        query = scope.get("query_string", b"")
        response.headers["Cache-Control"] = ("public, max-age=31536000, immutable"
                                             if query.startswith(b"v=") else "no-cache")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def static_files() -> VendoredStaticFiles:
    return VendoredStaticFiles(directory=STATIC_DIR)
