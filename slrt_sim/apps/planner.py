"""The staffing planner app (``notebooks/planner.ipynb``): the page's entry point.

This module is light on purpose: the notebook imports it and calls :func:`show`, which puts a
sign of work on the page at once; the app (:class:`slrt_sim.apps.planner_app.PlannerApp`, with
pandas, matplotlib and the model behind it: ~6 s of imports) is imported and built in a
background thread (:func:`slrt_sim.apps.style.deferred`). Every other name of the app module is
reachable here too (``from slrt_sim.apps.planner import PlannerApp``).
"""
from __future__ import annotations

from typing import Any


def show(workers: int | None = None, background: bool = True):
    """The planner's widget (the notebook's last expression); with ``background`` the page shows
    "Menyiapkan…" at once while the modules and the scenarios load."""
    from slrt_sim.apps import style
    from slrt_sim.i18n import t

    def build():
        from slrt_sim.apps.planner_app import PlannerApp

        return PlannerApp(workers).widget

    return style.deferred(build, t("plan.opening"), t("plan.open_failed"), "slrt-plan-opening", background)


def __getattr__(name: str) -> Any:
    """``PlannerApp`` and the app module's other names, imported on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    from slrt_sim.apps import planner_app

    return getattr(planner_app, name)
