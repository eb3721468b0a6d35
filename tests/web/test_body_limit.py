"""A body over ``MEDCODE_MAX_BODY_BYTES`` is a 413 with the JSON error for every client, also
those that send it all without ``Expect: 100-continue`` (``urllib``, ``requests``) and read
nothing until they have: against a real uvicorn server (the reset they saw before happens
only on a real socket, never in TestClient)."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from service.middleware import EdgeMiddleware
from tests.databases import Databases
from tests.live import live_server

TEN_MB = 10_000_000
MESSAGE = "The request body is over the limit of 1,000,000 bytes"
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture(scope="module")
def server(databases: Databases) -> Iterator[str]:
    url = databases.url("sqlite", "fy2026", "loaded")
    with live_server(url, MEDCODE_MAX_BODY_BYTES="1000000") as base:
        yield f"{base}/graphql"


@pytest.fixture(scope="module")
def big_body() -> bytes:
    """10 MB of a GraphQL request: a query and a padding variable."""
    head = b'{"query": "{ __typename }", "variables": {"pad": "'
    tail = b'"}}'
    return head + b"x" * (TEN_MB - len(head) - len(tail)) + tail


def assert_too_large(status: int, body: bytes, connection: str | None) -> None:
    assert status == 413, body[:300]
    answer = json.loads(body)
    assert answer["data"] is None
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert error["message"].startswith(MESSAGE)
    assert error["extensions"]["requestId"]
    assert (connection or "").lower() == "close"


def still_serves(server: str) -> None:
    answer = requests.post(server, json={"query": "{ __typename }"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["data"] == {"__typename": "Query"}


def test_urllib_gets_the_413(server: str, big_body: bytes) -> None:
    request = urllib.request.Request(server, data=big_body,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60)
    assert_too_large(caught.value.code, caught.value.read(), caught.value.headers["Connection"])
    still_serves(server)


def test_requests_gets_the_413(server: str, big_body: bytes) -> None:
    answer = requests.post(server, data=big_body, timeout=60,
                           headers={"Content-Type": "application/json"})
    assert_too_large(answer.status_code, answer.content, answer.headers.get("connection"))
    still_serves(server)


def test_requests_gets_the_413_for_a_chunked_body(server: str, big_body: bytes) -> None:
    """No Content-Length to refuse it by: the limit is met while reading, and the rest is read
    and dropped too."""
    chunks = (big_body[i:i + 1_000_000] for i in range(0, len(big_body), 1_000_000))
    answer = requests.post(server, data=chunks, timeout=60,
                           headers={"Content-Type": "application/json"})
    assert "content-length" not in answer.request.headers
    assert_too_large(answer.status_code, answer.content, answer.headers.get("connection"))
    still_serves(server)


@pytest.mark.parametrize("expect", ["100-continue (curl's own)", "none"])
def test_curl_gets_the_413(server: str, big_body: bytes, tmp_path: Path, expect: str) -> None:
    curl = shutil.which("curl")
    assert curl is not None, "curl is not installed (apt-get install curl)"
    payload = tmp_path / "body.json"
    payload.write_bytes(big_body)
    command = [curl, "-sS", "-D", "-", "-X", "POST", "-H", "Content-Type: application/json",
               "--data-binary", f"@{payload}", server]
    if expect == "none":
        command[1:1] = ["-H", "Expect:"]
    run = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr.decode()
    head, _, body = run.stdout.replace(b"\r\n", b"\n").rpartition(b"\n\n")
    lines = head.decode("latin-1").splitlines()
    status = int(next(line for line in reversed(lines) if line.startswith("HTTP/")).split()[1])
    connection = next((line.split(":", 1)[1].strip() for line in lines
                       if line.lower().startswith("connection:")), None)
    assert_too_large(status, body, connection)
    still_serves(server)


def test_the_413_speaks_graphql_response_json_to_who_asks(server: str, big_body: bytes) -> None:
    answer = requests.post(server, data=big_body, timeout=60,
                           headers={"Content-Type": "application/json",
                                    "Accept": GRAPHQL_RESPONSE})
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    document = answer.json()
    assert "data" not in document
    assert document["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"


def test_a_body_that_ends_over_the_limit_is_not_read_past_its_end() -> None:
    """When the message that crosses the limit is the body's last, nothing is left to drop:
    reading on would wait for a disconnect that comes only after the answer (ten seconds of
    ``DISCARD_SECONDS`` in TestClient, and on a real server for a chunked body whose last chunk
    crosses the limit)."""
    async def app(scope: dict, receive: object, send: object) -> None:
        while (await receive())["more_body"]:  # type: ignore[operator]
            pass

    messages = [{"type": "http.request", "body": b"x" * 600_000, "more_body": True},
                {"type": "http.request", "body": b"x" * 600_000, "more_body": False}]

    async def receive() -> dict:
        assert messages, "read past the end of the body"
        return messages.pop(0)

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    edge = EdgeMiddleware(app, max_body_bytes=1_000_000)
    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}
    asyncio.run(edge(scope, receive, send))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
