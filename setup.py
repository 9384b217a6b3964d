"""Build step of the wheel: carry the kit's notebooks, scenarios and Voila set-up inside it.

The repository keeps them at its top (``notebooks/``, ``scenarios/``, ``share/jupyter/...``,
``voila.json``: the source of truth, see :data:`slrt_sim.paths.BUNDLED`). A wheel
gets copies in ``slrt_sim/_bundle/`` with the same layout, so ``pip install`` of the
wheel alone is enough to run ``slrt-sim serve``. An editable install (``make setup``)
copies nothing: it reads them from the clone. Everything else is in pyproject.toml.

The version is :data:`VERSION`, plus the local version in ``$SLRT_LOCAL_VERSION`` when set:
``tools/wheelhouse.py`` sets it from the build's date and commit (``0.1.0+20261203.0915.g1a2b3c4``),
so every offline install folder carries a kit wheel of its own version.
"""
import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("notebooks", "scenarios", "docs", "share/jupyter/voila/templates/slrt", "share/jupyter/kernels", "voila.json")  # = slrt_sim.paths.BUNDLED
SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


class BuildWithBundle(build_py):
    """``build_py`` that also copies :data:`BUNDLED` into ``slrt_sim/_bundle``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "slrt_sim" / "_bundle"
        for rel in BUNDLED:
            src, dst = HERE / rel, target / rel
            if src.is_dir():
                shutil.copytree(src, dst, ignore=SKIP, dirs_exist_ok=True)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)


VERSION = "0.1.0"
LOCAL = os.environ.get("SLRT_LOCAL_VERSION", "").strip()

setup(version=f"{VERSION}+{LOCAL}" if LOCAL else VERSION, cmdclass={"build_py": BuildWithBundle})
