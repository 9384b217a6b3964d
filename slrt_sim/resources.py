"""Where the kit's files are, in a clone or in an installed wheel.

The repository keeps the notebooks, scenarios, the Voila template and the Voila
settings at its top (``notebooks/``, ``scenarios/``, ``share/jupyter/voila/templates/slrt``,
``voila.json``); they are the source of truth. Building a wheel copies them into
``slrt_sim/_bundle/`` with the same layout (``setup.py``), so an installed wheel
serves the class with no clone. :data:`ROOT` is the clone when the package runs
from one (an editable install, ``make setup``), else the bundle.

Session data (SQLite) goes to ``var/`` in a clone (as ``make app``) and, for an
installed kit, to the user's data folder (:func:`user_data_dir`); ``$SLRT_DB``
overrides both.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLE_DIR = PACKAGE_DIR / "_bundle"
BUNDLED = ("notebooks", "scenarios", "share/jupyter/voila/templates/slrt", "voila.json")
"""What a wheel carries in ``slrt_sim/_bundle`` (paths relative to the repository; setup.py copies them)."""
DB_ENV = "SLRT_DB"
DB_NAME = "slrt-sessions.sqlite"
APP_NAME = "slrt-sim"


def is_clone(root: Path) -> bool:
    """``root`` is a checkout of the repository (the package runs from its source)."""
    return (root / "pyproject.toml").is_file() and (root / "voila.json").is_file() and (root / "notebooks").is_dir()


IN_CLONE = is_clone(PACKAGE_DIR.parent)
ROOT = PACKAGE_DIR.parent if IN_CLONE else BUNDLE_DIR
NOTEBOOKS = ROOT / "notebooks"
SCENARIOS = ROOT / "scenarios"
TRAINING_SCENARIO = SCENARIOS / "pelatihan_satu_kelurahan.yaml"
JUPYTER_DATA = ROOT / "share" / "jupyter"  # holds voila/templates/slrt; goes on JUPYTER_PATH
VOILA_CONFIG_DIR = ROOT  # holds voila.json


def user_data_dir(environ: dict[str, str] | None = None, platform: str = sys.platform) -> Path:
    """The per-user data folder: ``%LOCALAPPDATA%\\slrt-sim`` (Windows),
    ``~/Library/Application Support/slrt-sim`` (macOS), ``$XDG_DATA_HOME/slrt-sim``
    or ``~/.local/share/slrt-sim`` (Linux and others)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or env.get("APPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / APP_NAME
    if platform == "darwin":
        return home / "Library" / "Application Support" / APP_NAME
    xdg = env.get("XDG_DATA_HOME", "").strip()
    return (Path(xdg) if xdg else home / ".local" / "share") / APP_NAME


def kit_db(environ: dict[str, str] | None = None) -> Path:
    """Where session data goes without ``$SLRT_DB``: ``<clone>/var/slrt-sessions.sqlite`` (as
    ``make app``) or, for an installed kit, ``slrt-sessions.sqlite`` in :func:`user_data_dir`."""
    return ROOT / "var" / DB_NAME if IN_CLONE else user_data_dir(environ) / DB_NAME


def default_db(environ: dict[str, str] | None = None) -> Path:
    """``$SLRT_DB`` if set, else :func:`kit_db`."""
    env = os.environ if environ is None else environ
    given = env.get(DB_ENV, "").strip()
    return Path(given).expanduser() if given else kit_db(env)
