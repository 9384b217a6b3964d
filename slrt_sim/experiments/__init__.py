"""Experiments layer: runs and replications, KPIs, sweeps, the staffing planner,
the walkthrough, Erlang C, and the figures drawn from results.

Depends on :mod:`slrt_sim.model` and :mod:`slrt_sim.domain`.
"""


class ExperimentError(Exception):
    """A problem with an experiment the user can fix (e.g. an unreachable Dask scheduler); one line."""
