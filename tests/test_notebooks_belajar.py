"""The teaching notebooks (notebooks/belajar/) teach as the docs say: text between the steps, an
invitation to change a value, plot labels from the catalogue, saved outputs for nbval to compare."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

FOLDER = Path(__file__).resolve().parents[1] / "notebooks" / "belajar"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))


def test_the_six_lessons_are_there():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_lesson_alternates_text_and_code_and_invites_a_change(path):
    nb = nbformat.read(path, as_version=4)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds[0] == "markdown" and nb.cells[0].source.startswith("# ")
    assert "code" in kinds and kinds.count("markdown") >= kinds.count("code") - 2
    assert "code,code,code" not in ",".join(kinds)  # never three steps without a word between them
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"Giliran Anda|Coba ubah", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_plot_labels_come_from_the_catalogue_and_outputs_are_saved(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    source = "\n".join(c.source for c in code)
    assert not re.search(r"set_(x|y)label\(\s*[\"']|set_title\(\s*[\"']|label=[\"']", source)
    assert all(c.execution_count for c in code), "run `make notebooks` and commit the outputs"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
