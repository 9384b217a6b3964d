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


def test_the_results_lesson_reads_a_real_dashboard_export_without_its_synthetic_class(tmp_path):
    """Lesson 5 tells the trainer: fill KELAS in the first cell, skip Step 1, set BERKAS to the file
    downloaded from the dashboard's Ekspor tab. Every later step must then run on such a file."""
    import time

    import matplotlib

    from slrt_sim.training import dashboard
    from slrt_sim.training.store import SessionStore

    matplotlib.use("Agg")
    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class("PKL1", 7, "sedang")
    now = time.time()
    for who, score, ok in (("Budi", 10.0, True), ("Citra", 7.5, False)):
        store.save_submission(trainee=who, class_code="PKL1", app="fo", case_id="PKL1-sedang-01", answers={},
                              score=score, max_score=10.0, started_at=now - 300, submitted_at=now,
                              feedback=[{"item": "needs", "ok": ok, "rule": "rule.not_in_dtks", "message": "x"}])
    df = dashboard.results(store, "PKL1")  # what the dashboard's Ekspor tab exports
    export = tmp_path / "slrt-PKL1-20261203-1530.xlsx"
    export.write_bytes(dashboard.export_xlsx(df, dashboard.mistakes_by_rule(store, "PKL1"),
                                             dashboard.item_mistakes(store, "PKL1")))

    nb = nbformat.read(FOLDER / "05_hasil_bermain_peran.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "lewati Langkah 1" in nb.cells[0].source
    scope: dict = {}
    exec(code[0].replace('matplotlib.use("module://matplotlib_inline.backend_inline")', ""), scope)
    assert "KELAS" in scope, "the first cell sets KELAS, so a trainer can skip Step 1"
    scope.update(KELAS="PKL1", BERKAS=export)
    for source in code[2:]:  # code[1] is Step 1, the synthetic class
        exec(source, scope)
    assert len(scope["hasil"]) == 2 and set(scope["hasil"]["app"]) == {"fo"}
