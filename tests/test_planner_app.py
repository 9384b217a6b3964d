"""The planner app never leaves a result on screen beside inputs it was not run with."""
from __future__ import annotations

import pytest

from slrt_sim.i18n import t


@pytest.fixture(scope="module")
def app():
    from slrt_sim.apps.planner import PlannerApp

    return PlannerApp(workers=1)


def _pretend_result(app) -> None:
    app.result = object()
    app.recommendation.value = "<div class='slrt-recommendation'>3 fasilitator</div>"
    app.table.value = "<table></table>"


@pytest.mark.parametrize("change", ["area", "staff", "target", "source"])
def test_a_change_of_inputs_clears_the_old_result(app, change):
    _pretend_result(app)
    if change == "area":
        app.area.value = 1 if app.area.value != 1 else 0
    elif change == "staff":
        app.bo.value = (1, 2) if app.bo.value != (1, 2) else (1, 3)
    elif change == "target":
        app.targets[0][3].value = not app.targets[0][3].value
    else:
        app.source.value = "manual" if app.source.value != "manual" else "scenario"
    assert app.result is None and app.recommendation.value == "" and app.table.value == ""
    assert t("plan.changed") in app.status.value


def test_planner_jargon_has_plain_labels():
    assert "Erlang" not in t("plan.erlang.col.min_staff", lang="id")
    assert t("plan.replications", lang="id").startswith("Ulangan")
    assert t("kpi.time_to_service_median", lang="id").startswith("Hari sampai")


def test_the_planner_opens_with_a_sign_of_work_then_the_app():
    from slrt_sim.apps import planner

    box = planner.show(workers=1)
    first = "".join(getattr(w, "value", "") for w in box.children)
    box.thread.join(120)
    if box.thread.is_alive():  # pragma: no cover - a very slow machine
        pytest.fail("the planner was not ready within two minutes")
    assert t("plan.opening") in first or len(box.children) == 1  # the sign, unless already built
    assert len(box.children) == 1 and t("plan.title") in box.children[0].children[1].value
