"""One range of supported Pythons (3.11 to 3.14) everywhere it is written down, and one set of pins."""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import wheelhouse  # noqa: E402  (tools/wheelhouse.py)

SUPPORTED = ("3.11", "3.12", "3.13", "3.14")


def test_pyproject_accepts_exactly_the_supported_pythons():
    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    assert [v for v in ("3.10", *SUPPORTED, "3.15") if f"{v}.0" in spec] == list(SUPPORTED)


def test_makefile_ci_wheelhouse_and_conda_agree():
    makefile = (ROOT / "Makefile").read_text()
    assert "(3, 11) <= sys.version_info[:2] < (3, 15)" in makefile
    assert re.search(r"^WH_PYTHONS\s*\?=\s*3\.11 3\.12 3\.13 3\.14$", makefile, re.M)
    assert "SUPPORTED=(3.11 3.12 3.13 3.14)" in (ROOT / ".ci" / "run").read_text()
    assert wheelhouse.SUPPORTED_PYTHONS == SUPPORTED
    assert "  - python>=3.11,<3.15\n" in (ROOT / "environment.yml").read_text()


def test_lock_is_universal_and_conda_pins_match_it():
    lock = (ROOT / "requirements.lock").read_text()
    assert "--universal" in lock.splitlines()[1]  # markers for every Python and system
    pins = {p.name: p.version for p in wheelhouse.read_lock()}
    conda = re.findall(r"^\s+- ([a-z0-9_.-]+)==?([0-9][^\s]*)$", (ROOT / "environment.yml").read_text(), re.M)
    assert len(conda) > 15
    for name, version in conda:
        assert pins[name] == version, f"environment.yml pins {name} {version}, requirements.lock {pins[name]}"


def _fake_python(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


POSIX_MAKE = pytest.mark.skipif(sys.platform == "win32", reason="make and sh: the Makefile is for Linux and macOS")


@POSIX_MAKE
def test_makefile_names_python3_venv_when_ensurepip_is_missing(tmp_path):
    """Debian/Ubuntu's python3 without the python3-venv package: one line naming it, no venv."""
    import subprocess

    fake = _fake_python(tmp_path / "python3", f'case "$*" in *ensurepip*) exit 1;; esac\nexec {sys.executable} "$@"')
    run = subprocess.run(["make", "-s", "setup", f"VENV={tmp_path / 'v'}", f"PYTHON={fake}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and not (tmp_path / "v").exists()
    assert [line for line in run.stderr.splitlines() if "python3-venv" in line and "apt install" in line]


@POSIX_MAKE
def test_makefile_does_not_silently_reuse_a_venv_of_another_python(tmp_path):
    import subprocess

    venv = tmp_path / "v"
    (venv / "bin").mkdir(parents=True)
    _fake_python(venv / "bin" / "python", "echo '(3, 99)'")  # made with another Python
    run = subprocess.run(["make", "-s", "-n", "setup", f"VENV={venv}", f"PYTHON={sys.executable}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "make clean" in run.stderr and str(sys.executable) in run.stderr


def test_github_workflow_runs_what_ci_run_runs_on_every_system():
    """`.ci/run` is the gate; the GitHub workflow runs its non-browser command on the three systems."""
    import yaml

    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    job = wf["jobs"]["suite"]
    assert job["strategy"]["matrix"]["python"] == list(SUPPORTED)
    assert set(job["strategy"]["matrix"]["os"]) == {"ubuntu-latest", "windows-latest", "macos-latest"}
    runs = [step["run"] for step in job["steps"] if "run" in step]
    makefile = (ROOT / "Makefile").read_text()
    assert "$(VPY) -m pytest tests notebooks --nbval-lax $(PYTEST_ARGS)" in makefile
    ci_args = re.search(r'PYTEST_ARGS="([^"]+)"', (ROOT / ".ci" / "run").read_text()).group(1)
    assert runs[-1].strip() == f"python -m pytest tests notebooks --nbval-lax {ci_args}"
    uv = re.search(r"^UV_VERSION\s*:=\s*(\S+)$", makefile, re.M).group(1)
    assert f"uv=={uv}" in runs[0] and "-r requirements.lock" in runs[0]  # the same pins, the cluster extra too
