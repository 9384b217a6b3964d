"""Docs that cannot go stale: every path, module and function the README, the guides, the
notebooks, the scenario files and the catalogue name must exist (``tests/docs_refs.py``)."""
from __future__ import annotations

import pytest

import docs_refs as D


@pytest.mark.parametrize("path", D.documents(), ids=lambda p: str(p.relative_to(D.ROOT)))
def test_named_paths_modules_and_functions_exist(path):
    problems = D.stale_references(D.read_document(path), path)
    assert not problems, "stale references (rename them in the text):\n  " + "\n  ".join(problems)


def test_documents_cover_readme_docs_notebooks_scenarios_and_catalogue():
    rel = {str(p.relative_to(D.ROOT)) for p in D.documents()}
    assert "README.md" in rel
    assert "docs/panduan-pelatih.md" in rel and "docs/model.md" in rel
    assert "notebooks/walkthrough.ipynb" in rel
    assert "scenarios/kota_pekalongan.yaml" in rel
    assert "slrt_sim/catalogue/landing.yaml" in rel


def test_a_broken_path_module_function_or_link_is_reported():
    source = D.ROOT / "docs" / "example.md"
    text = (
        "The flow is in `slrt_sim/model/flow.py` and the landing page in slrt_sim/landing.py.\n"
        "Read [the guide](panduan-pelatih.md) and [the old one](old-guide.md).\n"
        "KPIs: `slrt_sim.experiments.kpis.KPI_FIELDS`, not `slrt_sim.widgets.planner_app` nor\n"
        "`slrt_sim.experiments.kpis.NO_SUCH_NAME`; notebook roleplay_front_office.ipynb, module front_desk.py.\n"
        "See tests/test_flow.py::test_fifo_pool_equals_simpy_resource and tests/test_flow.py::test_gone.\n"
        "Outputs go to hasil/ and seeds/000_x.txt is outside the repository; scenarios/<file>.yaml is a placeholder.\n"
    )
    problems = D.stale_references(text, source)
    found = {p.split(": ")[1] for p in problems}
    assert found == {
        "slrt_sim/landing.py",
        "old-guide.md",
        "slrt_sim.widgets.planner_app",
        "slrt_sim.experiments.kpis.NO_SUCH_NAME",
        "front_desk.py",
        "tests/test_flow.py::test_gone",
    }, problems
