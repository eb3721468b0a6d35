"""The FY2025 tabular, fetched once from the package registry (simple-icd-10-cm 1.4.0)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from seed.load import load_release
from systems.icd10cm.spec import ICD10CM

CACHE = Path(os.environ.get("MEDCODE_TEST_CACHE", Path.home() / ".cache" / "medcode-tests"))


def fy2025_tabular() -> Path:
    """Download the 1.4.0 wheel once (pip, no dependencies) and extract its tabular XML."""
    target = CACHE / "icd10cm-tabular-April-2025.xml"
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(CACHE),
         "simple-icd-10-cm==1.4.0"],
        capture_output=True, text=True, timeout=300,
    )
    wheels = sorted(CACHE.glob("simple_icd_10_cm-1.4.0-*.whl"))
    if result.returncode != 0 or not wheels:
        reason = f"cannot fetch simple-icd-10-cm 1.4.0 (FY2025): {result.stderr.strip()[-300:]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with zipfile.ZipFile(wheels[-1]) as wheel:
        member = next(n for n in wheel.namelist() if "tabular" in n and n.endswith(".xml"))
        target.write_bytes(wheel.read(member))
    return target


@pytest.fixture(scope="session")
def fy2025(engine: Engine) -> Engine:
    """The session database with FY2025 loaded beside FY2026."""
    result = load_release(engine, ICD10CM, path=fy2025_tabular())
    assert result.version == "2025"
    return engine
