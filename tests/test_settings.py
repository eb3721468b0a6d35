"""Settings: typed values, every plan limited, our database driver; a bad ``MEDCODE_*`` variable
stops the command line with one line on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.settings import PLANS, Settings

ROOT = Path(__file__).resolve().parent.parent


def medcode(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDCODE_")}
    env["MEDCODE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'medcode.db'}"
    env.update({f"MEDCODE_{k.upper()}": v for k, v in variables.items()})
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {result.stderr!r}"
    assert lines[0].startswith("medcode: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_log_format_is_text_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDCODE_LOG_FORMAT", raising=False)
    assert Settings().log_format == "text"
    assert Settings(log_format="json").log_format == "json"
    with pytest.raises(ValidationError, match="'text' or 'json'"):
        Settings(log_format="xml")  # type: ignore[arg-type]


def test_plan_limits_name_every_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDCODE_PLAN_LIMITS", raising=False)
    assert set(Settings().plan_limits) == set(PLANS)
    with pytest.raises(ValidationError, match="pro, partner"):
        Settings(plan_limits={"guest": 1, "free": 6})


@pytest.mark.parametrize(("given", "used"), [
    ("sqlite:///./medcode.db", "sqlite:///./medcode.db"),
    ("postgresql://u:secret@db:5432/medcode", "postgresql+psycopg://u:secret@db:5432/medcode"),
    ("postgres://u@db/medcode", "postgresql+psycopg://u@db/medcode"),
    ("postgresql+psycopg://u@db/medcode", "postgresql+psycopg://u@db/medcode"),
])
def test_the_settings_choose_the_database_driver(given: str, used: str) -> None:
    assert Settings(database_url=given).sqlalchemy_url == used


def test_a_bad_log_format_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    result = medcode(tmp_path, "migrate", log_format="xml")
    assert_one_line_error(result, "MEDCODE_LOG_FORMAT", "'text' or 'json'")


@pytest.mark.parametrize(("limits", "words"), [
    ('{"guest": 1, "free": 6, "pro": 100}', ("MEDCODE_PLAN_LIMITS", "partner")),
    ('{"guest": 1, "free": "six", "pro": 100, "partner": null}',
     ("MEDCODE_PLAN_LIMITS", "free", "integer")),
    ("{guest: 1}", ("MEDCODE_PLAN_LIMITS", "JSON")),
])
def test_bad_plan_limits_are_one_line_on_the_command_line(tmp_path: Path, limits: str,
                                                          words: tuple[str, ...]) -> None:
    assert_one_line_error(medcode(tmp_path, "migrate", plan_limits=limits), *words)
    assert not (tmp_path / "medcode.db").exists()  # stopped before touching the database
