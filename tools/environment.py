"""Write ``environment.yml`` (conda) from ``requirements.lock``: ``make lock`` runs it after the lock.

Conda brings Python and pip; every package then comes from the lock, pin for pin and with its
environment markers (``pywinpty … ; sys_platform == 'win32'``), through conda's ``pip:`` section,
so a conda environment runs exactly the versions the tests ran with (the Jupyter packages whose
internals the kit relies on included). ``tests/test_deps.py`` checks the file is up to date.

    python tools/environment.py [--check]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import wheelhouse  # noqa: E402  (tools/wheelhouse.py: the lock's reader)

TARGET = ROOT / "environment.yml"
HEADER = """\
# Conda environment for slrt-sim (alternative to `make setup`, which uses .venv + uv).
# GENERATED from requirements.lock by tools/environment.py (`make lock`); do not edit by hand.
#
#   conda env create -f environment.yml
#   conda activate slrt-sim
#   slrt-sim serve                      # what `make app` runs
#   python -m pytest tests notebooks --nbval-lax
#
# Any Python from 3.11 to 3.14 (pyproject: requires-python); for a given one: python=3.13.
# Conda provides Python and pip; the packages are the lock's pins, installed by pip.
name: slrt-sim
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python>=3.11,<3.15
  - pip
  - pip:
"""


def render(pins: list[wheelhouse.Pin]) -> str:
    lines = [f"      - {json.dumps(p.line()) if p.marker else p.line()}" for p in pins]
    return HEADER + "\n".join(lines) + "\n      - -e .\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render(wheelhouse.read_lock())
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print("environment.yml is not the lock's: run python tools/environment.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
