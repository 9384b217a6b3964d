"""Where the kit's files are: the one place that knows the repository layout.

Every module that needs a scenario, a notebook or the session database asks here
instead of computing ``Path(__file__).parents[n]`` itself, so moving a module never
breaks a path.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the repository (a clone with an editable install)
SCENARIOS = ROOT / "scenarios"
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES_ROOT = ROOT / "share" / "jupyter"  # holds voila/templates/slrt
CONFIG_DIR = ROOT  # holds voila.json
VAR = ROOT / "var"
TRAINING_SCENARIO = SCENARIOS / "pelatihan_satu_kelurahan.yaml"
DEFAULT_DB = VAR / "slrt-sessions.sqlite"
