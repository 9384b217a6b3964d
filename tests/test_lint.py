"""The code passes the project's ruff configuration (``[tool.ruff]`` in pyproject.toml)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff() -> list[str]:
    """ruff from the environment running the tests (a dev dependency), else the one on PATH."""
    local = Path(sys.executable).with_name("ruff")
    found = local if local.exists() else shutil.which("ruff")
    assert found, "ruff is missing: it is a dev dependency (make setup installs it)"
    return [str(found)]


def test_ruff_finds_nothing():
    done = subprocess.run([*ruff(), "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_reports_an_unused_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    done = subprocess.run([*ruff(), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "F401" in done.stdout
