"""The ``medcode`` command line as most tests run it: ``service.cli.main`` in the test's process.

:func:`medcode` gives the command what a fresh process would have: an environment whose
``MEDCODE_*`` variables are only those given, settings read from it anew, its own stdout and
stderr, and the exit status ``SystemExit`` carries (an uncaught exception is status 1 with its
traceback on stderr, as Python prints it). It answers with a ``CompletedProcess``, like
``subprocess.run(..., capture_output=True, text=True)``.

Why not a subprocess: each ``python -m service.cli`` spends half a second of CPU importing
SQLAlchemy, pydantic and the code systems, about 20 CPU-seconds over a run's forty calls on two
cores. What only a real process shows is tested with one: the ``medcode`` entry point and a bad
setting (tests/test_settings.py), an unreachable database (tests/seed/test_load.py), killed
loads and live servers (tests/robustness, tests/browser, tests/web).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import traceback
from pathlib import Path
from unittest import mock

from domain.settings import get_settings
from service.cli import main


def medcode(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """``medcode ARGS`` with ``MEDCODE_<NAME>=value`` for each ``name=value`` given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDCODE_")}
    env.update({f"MEDCODE_{k.upper()}": v for k, v in variables.items()})
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        get_settings.cache_clear()
        try:
            main(list(args))
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if isinstance(exc.code, str):
                print(exc.code, file=err)
        except Exception:  # what the interpreter does with an uncaught one
            traceback.print_exc(file=err)
            status = 1
        finally:
            get_settings.cache_clear()
    return subprocess.CompletedProcess(["medcode", *args], status, out.getvalue(),
                                       err.getvalue())


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """``medcode ARGS`` on the SQLite database at ``db``."""
    return medcode(*args, database_url=f"sqlite:///{db}")
