"""The walkthrough app for trainers (``notebooks/walkthrough.ipynb``): the page's entry point.

This module is light on purpose: the notebook imports it and calls :func:`show`, which puts a
sign of work on the page at once; the app itself (:class:`slrt_sim.apps.walkthrough_app.WalkthroughApp`,
with pandas, matplotlib and the model behind it: ~6 s of imports, then a simulated year) is
imported and built in a background thread (:func:`slrt_sim.apps.style.deferred`). Every other
name of the app module is reachable here too (``from slrt_sim.apps.walkthrough import WalkthroughApp``).
"""
from __future__ import annotations

from typing import Any


def show(scenario: Any = None, replications: int | None = None, background: bool = True):
    """The walkthrough's widget (the notebook's last expression); with ``background`` the page
    shows "Menyiapkan…" at once while the modules load and the first year is simulated.
    ``replications``: of each what-if, by default :data:`slrt_sim.experiments.warmup.REPLICATIONS`."""
    from slrt_sim.apps import style
    from slrt_sim.i18n import t

    def build():
        from slrt_sim.apps.walkthrough_app import WalkthroughApp

        from slrt_sim.experiments.warmup import REPLICATIONS

        return WalkthroughApp(scenario, replications or REPLICATIONS).widget

    return style.deferred(build, t("walk.opening"), t("walk.open_failed"), "slrt-walk-opening", background)


def __getattr__(name: str) -> Any:
    """``WalkthroughApp`` and the app module's other names, imported on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    from slrt_sim.apps import walkthrough_app

    return getattr(walkthrough_app, name)
