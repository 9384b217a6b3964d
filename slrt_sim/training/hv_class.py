"""The class's home visits: what the class's recordings did to the DTKS and to the households.

The class-outcome view of the home-visit practice (:mod:`slrt_sim.training.home_visit`), as
:mod:`slrt_sim.training.class_outcomes` is the front office's. Each trainee's submitted recordings
(the last one per case) are read as the DTKS reads them (the decile of the recorded indicators,
:func:`slrt_sim.domain.welfare.indicator_decile`) and played through the pathway together
(:func:`slrt_sim.training.home_visit.hv_outcome`: the key's decile for the cases they did not
submit), against the household's true indicators. The figures count only the households the
trainee submitted:

* ``cases`` — households visited (submitted);
* ``right_decile`` — recordings whose decile is the true indicators' decile;
* ``inclusion`` / ``exclusion`` — recordings that list a household above the DTKS target, or leave
  out one within it (:func:`slrt_sim.training.home_visit.consequence`);
* ``decile_gap`` — the sum of the distances between the recorded and the true decile (the class
  view shows it per case);
* ``needs_met`` / ``needs_met_key`` — the households' needs (the one each came with) served
  in the trainee's run and in the key's.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Mapping

from slrt_sim.domain import welfare as Wf
from slrt_sim.training import home_visit as hv
from slrt_sim.training import class_outcomes
from slrt_sim.training.class_outcomes import TraineeOutcome
from slrt_sim.training.store import norm_code

METRICS = ("cases", "right_decile", "inclusion", "exclusion", "decile_gap", "needs_met", "needs_met_key")


def recorded_decile(answers: Mapping[str, Any]) -> int | None:
    """The decile of a submitted form (``None`` if it is not a complete form)."""
    if hv.validate(answers):
        return None
    return Wf.indicator_decile(hv.recorded(answers))


def case_figures(case: hv.HvCase, decile: int, pair=None) -> dict[str, int]:
    """The figures of one recording (its ``decile``); ``pair`` the trainee's run and the key's."""
    c = hv.consequence(case, decile)
    out = {"cases": 1, "right_decile": int(decile == c["key_decile"]), "inclusion": int(c["error"] == "inclusion"),
           "exclusion": int(c["error"] == "exclusion"), "decile_gap": abs(decile - c["key_decile"]),
           "needs_met": 0, "needs_met_key": 0}
    if pair is not None:
        out["needs_met"] = int(pair.trainee.households[case.case_id].need_day(case.need) is not None)
        out["needs_met_key"] = int(pair.key.households[case.case_id].need_day(case.need) is not None)
    return out


@lru_cache(maxsize=256)
def _trainee_cached(code: str, seed: int, level: str, n: int, deciles_json: str, runs: bool) -> tuple[dict, dict]:
    deciles = {int(i): int(d) for i, d in json.loads(deciles_json).items()}
    cases = hv.build_cases(code, seed, level, n)
    pair = hv.hv_outcome(code, seed, level, deciles, n=n) if runs else None
    per_case = {cases[i].case_id: case_figures(cases[i], d, pair) for i, d in sorted(deciles.items())}
    sums = {k: sum(f[k] for f in per_case.values()) for k in METRICS}
    return per_case, sums


def class_view(class_code: str, seed: int, level: str, submissions: Mapping[str, Mapping[int, Mapping[str, Any]]],
               n: int = hv.N_CASES, runs: bool = True) -> dict:
    """Per trainee and for the class: ``{"trainees": [TraineeOutcome], "class": figures, "cases_in": k}``
    (``runs=False``: the DTKS figures only, no pathway runs). ``submissions`` maps a trainee to their
    form answers by case index; an incomplete form is left out."""
    rows, total, cases_in = [], {k: 0 for k in METRICS}, 0
    for trainee in sorted(submissions):
        deciles = {i: d for i, a in submissions[trainee].items() if (d := recorded_decile(a)) is not None}
        if not deciles:
            continue
        cases_in += len(deciles)
        key = json.dumps({str(i): deciles[i] for i in sorted(deciles)})
        per_case, sums = _trainee_cached(norm_code(class_code), int(seed), level, int(n), key, runs)
        rows.append(TraineeOutcome(trainee, list(per_case), dict(sums), per_case))
        for k in METRICS:
            total[k] += sums[k]
    return {"trainees": rows, "class": total, "cases_in": cases_in}


def submissions_from_store(store, class_code: str, n: int = hv.N_CASES) -> dict[str, dict[int, dict]]:
    """The class's home-visit submissions by trainee and case index (the last one per case counts)."""
    return class_outcomes.submissions_from_store(store, class_code, n, app=hv.APP)
