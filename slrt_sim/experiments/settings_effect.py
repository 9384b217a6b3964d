"""Does every setting move a KPI? The schema's settings, each perturbed once, on paired runs.

:func:`settings` lists every leaf setting of a scenario (``staffing.district_bo``,
``programs.KUBE.quota_per_cycle``, ``service.bo_check`` …) except the region (its data, not a
setting), the run's identity (``name``, ``description``, ``seed``) and the calendar's dates.
:func:`perturbed` gives the one change tried for a setting: a boolean flipped, a mode switched to
another, a share tripled (or cut to a third when tripling would pass 1), a count tripled (0 → 2),
a duration or a distribution's mean tripled, an unset optional set, the working day an hour
shorter, the needs mix with three times its first kind's share; and when that moves nothing, the
other way (a third, a count cut: a capacity that does not bind may bind when cut). :func:`moved` runs the
scenario and the change on the same replications (common random numbers) and says whether any
KPI differs.

Settings that move no KPI of the training kelurahan are listed, with the reason, in
:data:`slrt_sim.domain.scenario.NO_EFFECT` (or :data:`~slrt_sim.domain.scenario.ROLE_PLAY_ONLY`);
``tests/test_settings_effect.py`` checks the two lists against a run and scenarios/README.md
shows them. ``python -m slrt_sim.experiments.settings_effect [scenario]`` prints the settings that
move nothing.
"""
from __future__ import annotations

import math
from typing import Any, get_args

from pydantic import BaseModel

from slrt_sim.domain.scenario import Scenario

SKIP = ("name", "description", "seed", "region", "calendar.start_date", "calendar.holidays",
        "calendar.workdays")
"""Not settings of the model: the run's identity, the region's data, the calendar's dates."""

REPLICATIONS = (0, 1)
"""Paired replications each setting is tried on (a change that moves a KPI in either counts)."""


def settings(s: Scenario) -> dict[str, Any]:
    """Every leaf setting of ``s`` and its value, by dotted path."""
    out: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        if prefix in SKIP:
            return
        if isinstance(node, BaseModel) and not hasattr(node, "dist"):
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{prefix}.{name}" if prefix else name)
        elif isinstance(node, dict) and prefix == "programs":
            for code, prog in node.items():
                walk(prog, f"{prefix}.{code}")
        else:
            out[prefix] = node

    walk(s, "")
    return out


def _field(s: Scenario, path: str):
    *parents, last = path.split(".")
    node: Any = s
    for p in parents:
        node = node[p] if isinstance(node, dict) else getattr(node, p)
    return type(node).model_fields[last]


def _scaled_dist(d: BaseModel, k: float) -> dict[str, Any]:
    raw = d.model_dump()
    for key in ("mean", "sd", "low", "mode", "high", "value"):
        if key in raw:
            raw[key] = raw[key] * k if raw[key] else 1.0
    return raw


def perturbed(s: Scenario, path: str, value: Any, down: bool = False) -> Any:
    """The value tried instead of ``value`` for the setting at ``path``: more of it, or with
    ``down`` less of it (a third; a capacity that does not bind may bind when cut)."""
    f = _field(s, path)
    le = next((m.le for m in f.metadata if getattr(m, "le", None) is not None), None)
    k = 1 / 3 if down else 3.0
    if isinstance(value, bool):
        return not value
    if path == "calendar.open_hour":
        return value + 1  # an hour later: a shorter working day
    if path == "calendar.close_hour":
        return value - 1
    if isinstance(value, dict):  # the needs mix: three times (a third of) its first kind's share
        first = next(iter(value))
        return {**value, first: value[first] * k}
    if isinstance(value, str):
        options = [a for a in get_args(f.annotation) if isinstance(a, str)]
        return next(o for o in options if o != value)
    if isinstance(value, BaseModel):
        return _scaled_dist(value, k)
    if value is None:
        return (10 if down else 30) if "day" in path else 1.0
    if isinstance(value, int):
        ge = next((m.ge for m in f.metadata if getattr(m, "ge", None) is not None), 0)
        up = min(value * 3 if value else 2, le if le is not None else math.inf)
        less = value // 3 if value >= 3 else value - 1
        first, other = (less, up) if down else (up, less)
        return first if first != value and first >= ge else other  # at a bound: the other way
    if le is not None and le <= 1 and value * 3 > le:
        return value / 3
    new = value * k if value else 1.0
    return min(new, le) if le is not None else new


def _same(a: float, b: float) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def moved(s: Scenario, path: str, value: Any, base: list[dict[str, float]] | None = None,
          replications=REPLICATIONS) -> bool:
    """True when changing ``path`` to ``value`` moves some KPI on one of ``replications``."""
    from slrt_sim.experiments.runner import get_population, run_once

    changed = s.with_overrides({path: value})
    pop = get_population(s)
    for i, r in enumerate(replications):
        ref = base[i] if base is not None else run_once(s, r, pop, keep_cases=False, keep_timeline=False).kpis
        new = run_once(changed, r, get_population(changed), keep_cases=False, keep_timeline=False).kpis
        if any(not _same(ref[k], new.get(k)) for k in ref):
            return True
    return False


def still(s: Scenario, paths: list[str] | None = None, replications=REPLICATIONS) -> list[str]:
    """The settings of ``s`` (all, or ``paths``) that move no KPI on ``replications``, neither
    when raised nor when cut (:func:`perturbed`)."""
    from slrt_sim.experiments.runner import get_population, run_once

    pop = get_population(s)
    base = [run_once(s, r, pop, keep_cases=False, keep_timeline=False).kpis for r in replications]
    values = settings(s)
    out = []
    for p in (paths if paths is not None else list(values)):
        tries = {repr(perturbed(s, p, values[p])): perturbed(s, p, values[p]),
                 repr(perturbed(s, p, values[p], down=True)): perturbed(s, p, values[p], down=True)}
        if not any(moved(s, p, v, base, replications) for v in tries.values()):
            out.append(p)
    return out
