"""Hostile input through the API (the catalogue in bench/robustness.py): each case gets the
answer it should, a well-formed one, and never a 5xx. Runs on every backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bench.robustness import Kind, catalogue, run_kind
from domain.settings import Settings
from service.app import create_app
from tests.robustness.conftest import backend_of, record

KINDS = catalogue()


def _param(kind: Kind) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=kind.known_bug)] if kind.known_bug else []
    return pytest.param(kind, id=kind.name, marks=marks)


@pytest.fixture(scope="module")
def hostile_client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """Its own app, so that an unexpected exception answers 500 rather than raising."""
    with TestClient(create_app(settings, engine), raise_server_exceptions=False,
                    client=("198.51.100.7", 5000)) as client:
        yield client


@pytest.mark.parametrize("kind", [_param(k) for k in KINDS])
def test_hostile_input(kind: Kind, hostile_client: TestClient, partner: dict[str, str],
                       engine: Engine) -> None:
    result = run_kind(hostile_client, kind, partner)
    note = " (known bug)" if kind.known_bug else ""
    record(backend_of(engine), kind.name + note, result.cases, result.result)
    assert result.server_errors == 0 and not result.failures, "\n".join(result.failures)


def test_the_catalogue_is_big_enough() -> None:
    assert len(KINDS) >= 20
    assert sum(len(k.probes) for k in KINDS) >= 250
