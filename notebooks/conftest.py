"""nbval settings for the notebooks (``make test`` runs ``pytest tests notebooks --nbval-lax``).

The app shells (``notebooks/*.ipynb``) are committed without outputs and only have to run
(lax). The teaching notebooks (``notebooks/belajar/``) are committed **with** their outputs,
which a seed fixes, and are compared cell by cell as ``--nbval`` would, even under
``--nbval-lax``: this hook switches comparison on for every notebook in that folder and adds
the sanitising patterns of ``nbval-sanitize.cfg`` (here, outside the folder JupyterLab opens).
A cell whose output cannot be fixed by a seed (a timing, a memory address) carries
``# NBVAL_IGNORE_OUTPUT``. ``make notebooks`` re-executes them in place after a change to the model.
"""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
COMPARED = HERE / "belajar"
SANITIZE = HERE / "nbval-sanitize.cfg"


@pytest.hookimpl(hookwrapper=True)
def pytest_collect_file(file_path, parent):
    outcome = yield
    if Path(file_path).resolve().parent != COMPARED:
        return
    from nbval.plugin import IPyNbFile, get_sanitize_patterns

    for item in outcome.get_result() or []:
        if isinstance(item, IPyNbFile):
            item.compare_outputs = True
            item.sanitize_patterns.update(get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8")))
