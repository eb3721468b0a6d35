"""``register(email)``: a free key per address, a few registrations a day per client."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from domain.metering.credentials import is_well_formed
from tests.quota.conftest import FakeClock, bearer
from tests.quota.test_http import VIEWER, error_code, post

REGISTER = "mutation($e: String!) { register(email: $e) { key plan } }"


def register(client: TestClient, email: str) -> httpx.Response:
    return post(client, REGISTER, {"e": email})


def unique_email(domain: str = "example.com") -> str:
    return f"user.{uuid.uuid4().hex[:12]}@{domain}"


def test_register_gives_a_free_key_shown_once(client_for: Callable[..., TestClient]) -> None:
    client = client_for()
    r = register(client, unique_email())
    assert r.status_code == 200, r.text
    assert r.json()["extensions"]["cost"]["requested"] == 0
    key = r.json()["data"]["register"]["key"]
    assert is_well_formed(key) and r.json()["data"]["register"]["plan"] == "free"
    viewer = post(client, VIEWER, headers=bearer(key)).json()["data"]["viewer"]
    assert viewer["plan"] == "free"
    assert (viewer["quota"]["limit"], viewer["quota"]["used"]) == (6, 0)


def test_one_key_per_address_whatever_its_case(client_for: Callable[..., TestClient]) -> None:
    email = unique_email()
    assert register(client_for(), email).status_code == 200
    again = register(client_for(), "  " + email.upper() + " ")
    assert again.json()["data"] is None
    error = again.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "ALREADY_REGISTERED"}
    assert "already has a free key" in error["message"] and "mc_live_" in error["message"]


@pytest.mark.parametrize("email", [
    "", "plainaddress", "@example.com", "user@", "user@localhost", "user@@example.com",
    "us er@example.com", "user@exa mple.com", ".user@example.com", "user.@example.com",
    "a..b@example.com", "user@-example.com", "user@example.c", "x" * 65 + "@example.com",
    "user@" + "a" * 250 + ".com",
])
def test_malformed_addresses_are_refused(email: str,
                                         client_for: Callable[..., TestClient]) -> None:
    r = register(client_for(), email)
    assert r.status_code == 200 and r.json()["data"] is None
    assert error_code(r) == "BAD_USER_INPUT"
    assert "not a valid email address" in r.json()["errors"][0]["message"]


def test_a_few_registrations_a_day_per_client_address(
        app_factory: Callable[..., FastAPI], addresses: Callable[[], str],
        clock: FakeClock) -> None:
    app = app_factory(registrations_per_day=2)
    address = addresses()
    client = TestClient(app, client=(address, 5000))
    assert register(client, unique_email()).status_code == 200
    assert register(client, unique_email()).status_code == 200
    third = register(client, unique_email())
    assert third.status_code == 429 and error_code(third) == "QUOTA_EXCEEDED"
    assert int(third.headers["Retry-After"]) == 15 * 3600
    assert "2 registrations a day" in third.json()["errors"][0]["message"]
    assert register(TestClient(app, client=(addresses(), 5000)),
                    unique_email()).status_code == 200  # another address is not affected
    clock.advance(15 * 3600)  # the next day
    assert register(client, unique_email()).status_code == 200
