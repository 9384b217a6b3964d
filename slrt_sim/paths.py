"""Where the kit's files are: the one place that knows the layout, in a clone or in a wheel.

Every module that needs a scenario, a notebook or the session database asks here
instead of computing ``Path(__file__).parents[n]`` itself, so moving a module never
breaks a path.

The repository keeps the notebooks, scenarios, the Voila template and the Voila
settings at its top (``notebooks/``, ``scenarios/``, ``share/jupyter/voila/templates/slrt``,
``voila.json``); they are the source of truth. Building a wheel copies them into
``slrt_sim/_bundle/`` with the same layout (``setup.py``, :data:`BUNDLED`), so an
installed wheel serves the class with no clone. :data:`ROOT` is the clone when the
package runs from one (an editable install, ``make setup``), else the bundle.

Session data (SQLite) goes to ``var/`` in a clone (as ``make app``) and, for an
installed kit, to the user's data folder (:func:`user_data_dir`); ``$SLRT_DB``
overrides both (:func:`default_db`).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping

PACKAGE = Path(__file__).resolve().parent
BUNDLE = PACKAGE / "_bundle"
BUNDLED = ("notebooks", "scenarios", "docs", "share/jupyter/voila/templates/slrt", "share/jupyter/kernels", "voila.json")
"""What a wheel carries in ``slrt_sim/_bundle`` (paths relative to the repository; setup.py copies them)."""
DB_ENV = "SLRT_DB"
DB_NAME = "slrt-sessions.sqlite"
APP_NAME = "slrt-sim"


def is_clone(root: Path) -> bool:
    """``root`` is a checkout of the repository (the package runs from its source)."""
    return (root / "pyproject.toml").is_file() and (root / "voila.json").is_file() and (root / "notebooks").is_dir()


IN_CLONE = is_clone(PACKAGE.parent)
ROOT = PACKAGE.parent if IN_CLONE else BUNDLE  # the repository, or the wheel's bundle
SCENARIOS = ROOT / "scenarios"
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES_ROOT = ROOT / "share" / "jupyter"  # holds voila/templates/slrt; goes on JUPYTER_PATH
CONFIG_DIR = ROOT  # holds voila.json
TRAINING_SCENARIO = SCENARIOS / "pelatihan_satu_kelurahan.yaml"


def user_data_dir(platform: str | None = None) -> Path:
    """The per-user data folder, as platformdirs knows it for ``platform`` (default: this system):
    ``%LOCALAPPDATA%\\slrt-sim`` (Windows), ``~/Library/Application Support/slrt-sim`` (macOS),
    ``$XDG_DATA_HOME/slrt-sim`` or ``~/.local/share/slrt-sim`` (Linux and others)."""
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix
    from platformdirs.windows import Windows

    platform = platform or sys.platform
    kind = Windows if platform.startswith("win") else MacOS if platform == "darwin" else Unix
    return Path(kind(APP_NAME, appauthor=False).user_data_dir)


VAR = ROOT / "var" if IN_CLONE else user_data_dir()
DEFAULT_DB = VAR / DB_NAME
"""Session data without ``$SLRT_DB``: ``<clone>/var/`` (as ``make app``), or the user data folder."""


def default_db(environ: Mapping[str, str] | None = None) -> Path:
    """``$SLRT_DB`` if set, else :data:`DEFAULT_DB`."""
    env = os.environ if environ is None else environ
    given = env.get(DB_ENV, "").strip()
    return Path(given).expanduser() if given else DEFAULT_DB
