"""API keys: their format, what the database keeps, the CLI, and who a request is."""

from __future__ import annotations

import math
import subprocess
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from domain.metering.credentials import (
    ALPHABET,
    BODY_CHARS,
    KEY_PREFIX,
    generate_key,
    hash_key,
    is_well_formed,
    presented_key,
)
from domain.metering.keys import create_key, list_keys, revoke_key
from domain.metering.subjects import client_address, guest_subject, trusted_networks
from domain.models import ApiKey
from domain.settings import Settings
from tests import cli
from tests.quota.conftest import bearer


@pytest.fixture(scope="session")
def settings(empty_settings: Settings) -> Settings:
    """Keys need their table only: an empty, migrated database, not the release."""
    return empty_settings


@pytest.fixture(scope="session")
def engine(empty_engine: Engine) -> Engine:
    return empty_engine


def test_keys_are_recognisable_random_and_checksummed() -> None:
    keys = {generate_key() for _ in range(500)}
    assert len(keys) == 500
    assert BODY_CHARS * math.log2(len(ALPHABET)) >= 160
    for key in keys:
        assert key.startswith(KEY_PREFIX) and is_well_formed(key)
    key = keys.pop()
    body = key[len(KEY_PREFIX):]
    for i in (0, BODY_CHARS - 1, len(body) - 1):  # one changed character anywhere
        changed = body[:i] + ("a" if body[i] != "a" else "b") + body[i + 1:]
        assert not is_well_formed(KEY_PREFIX + changed)
    assert not is_well_formed(key[:-1])
    assert not is_well_formed("mc_test_" + body)
    assert not is_well_formed(key[:10] + "-" + key[11:])


def test_the_database_holds_no_plaintext_key(engine: Engine) -> None:
    secret, row = create_key(engine, plan="pro", name="no plaintext")
    assert row.key_hash == hash_key(secret) and len(row.key_hash) == 64
    assert secret.startswith(row.prefix) and len(row.prefix) < len(secret) // 3
    with engine.connect() as conn:
        stored = [str(v) for r in conn.execute(select(ApiKey.__table__)) for v in r]
    body = secret[len(row.prefix):]
    assert not any(secret in v or body[:16] in v or body[-16:] in v for v in stored)


def test_list_and_revoke(engine: Engine) -> None:
    _, row = create_key(engine, plan="free", name="to revoke")
    assert row.id is not None
    assert revoke_key(engine, row.id)
    first = next(k for k in list_keys(engine) if k.id == row.id).revoked_at
    assert first is not None
    assert revoke_key(engine, row.id)  # idempotent: the first time stands
    assert next(k for k in list_keys(engine) if k.id == row.id).revoked_at == first
    assert not revoke_key(engine, 10**9)


def test_cli_creates_lists_and_revokes_keys(settings: Settings) -> None:
    def medcode(*args: str) -> subprocess.CompletedProcess[str]:
        return cli.medcode(*args, database_url=settings.database_url)

    created = medcode("keys", "create", "--plan", "pro", "--name", "cli test")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert is_well_formed(key)
    listed = medcode("keys", "list")
    assert key[:14] in listed.stdout and key not in listed.stdout
    key_id = next(line.split()[0] for line in listed.stdout.splitlines() if key[:14] in line)
    assert medcode("keys", "revoke", key_id).returncode == 0
    wrong = medcode("keys", "create", "--plan", "gold", "--name", "x")
    assert wrong.returncode != 0 and "unknown plan" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_a_key_records_its_last_use(engine: Engine,
                                    client_for: Callable[..., TestClient]) -> None:
    secret, row = create_key(engine, plan="pro", name="last use")
    assert row.last_used_at is None
    r = client_for().post("/graphql", json={"query": "{ viewer { plan } }"},
                          headers=bearer(secret))
    assert r.json()["data"]["viewer"]["plan"] == "pro"
    assert next(k for k in list_keys(engine) if k.id == row.id).last_used_at is not None


@pytest.mark.parametrize(("headers", "key"), [
    ({}, None),
    ({"authorization": "Bearer  abc "}, "abc"),
    ({"authorization": "bearer abc"}, "abc"),
    ({"x-api-key": "abc"}, "abc"),
    ({"authorization": "Bearer abc", "x-api-key": "def"}, "abc"),
    ({"x-api-key": ""}, ""),
])
def test_where_a_key_is_read_from(headers: dict[str, str], key: str | None) -> None:
    assert presented_key(headers) == key


@pytest.mark.parametrize(("peer", "xff", "trusted", "expected"), [
    ("192.0.2.1", None, [], "192.0.2.1"),
    ("192.0.2.1", "198.51.100.7", [], "192.0.2.1"),  # not a trusted proxy: XFF ignored
    ("10.0.0.1", "198.51.100.7", ["10.0.0.1"], "198.51.100.7"),
    ("10.0.0.1", "6.6.6.6, 198.51.100.7", ["10.0.0.1"], "198.51.100.7"),  # spoofed left part
    ("10.0.0.1", "198.51.100.7, 10.0.0.2", ["10.0.0.0/24"], "198.51.100.7"),
    ("10.0.0.1", "garbage, 10.0.0.2", ["10.0.0.0/24"], "10.0.0.2"),
    ("10.0.0.1", "[2001:db8::1]:443", ["10.0.0.1"], "2001:db8::1"),
    ("::ffff:192.0.2.9", None, [], "192.0.2.9"),
])
def test_client_address(peer: str, xff: str | None, trusted: list[str], expected: str) -> None:
    assert client_address(peer, xff, trusted_networks(trusted)) == expected


def test_guests_on_ipv6_are_counted_per_64() -> None:
    assert guest_subject("2001:db8:1:2::1") == guest_subject("2001:db8:1:2:ffff::9")
    assert guest_subject("2001:db8:1:2::1") != guest_subject("2001:db8:1:3::1")
    assert guest_subject("192.0.2.1") == "guest:192.0.2.1"
