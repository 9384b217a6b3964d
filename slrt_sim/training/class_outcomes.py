"""The class's kelurahan: what the class's front-office decisions did, against the right answers.

For each trainee, their submitted files are played in the class's kelurahan (one run, the key's
files for cases they did not submit) and compared with the key's run (cached per class). The
figures count only the households the trainee submitted (``cases in = cases shown``):

* ``needs`` / ``needs_met`` / ``needs_met_key`` — the submitted households' real needs, and how
  many were served within six months in the trainee's and in the key's run;
* ``days_to_service`` / ``days_to_service_key`` — mean days from the walk-in to the service, over
  the needs served;
* ``exclusion`` — real needs served in the key's run but not in the trainee's;
* ``inclusion`` — programme places the trainee's households got that the key did not give them;
* ``places_wasted`` — those inclusion places in a quota programme plus letters a programme
  rejected (work and waiting spent for nothing);
* ``displaced`` — other households that lost (or waited for) a place, put down to the household
  (:meth:`slrt_sim.experiments.outcomes.PairOutcome.displaced_by`: the rows its timeline names);
* ``lost`` — submitted households with a need lost (unreachable, patience, complaints) that the
  key's run did not lose.

:func:`class_view` adds them up per trainee and for the class.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from slrt_sim.experiments.outcomes import HouseholdOutcome, PairOutcome
from slrt_sim.training import front_office as fo
from slrt_sim.training import outcomes as O
from slrt_sim.training.store import norm_code

METRICS = ("cases", "needs", "needs_met", "needs_met_key", "days_to_service", "days_to_service_key", "exclusion",
           "inclusion", "places_wasted", "displaced", "lost")


@dataclass
class TraineeOutcome:
    trainee: str
    cases: list[str]
    figures: dict[str, float]
    per_case: dict[str, dict] = field(default_factory=dict)


def _served_days(h: HouseholdOutcome, needs) -> list[float]:
    t0 = h.events[0].day if h.events else 0.0
    return [h.needs[n].day_served - t0 for n in needs
            if n in h.needs and h.needs[n].state == "served" and h.needs[n].day_served is not None]


def _enrolled(h: HouseholdOutcome) -> set[str]:
    return {e.program for e in h.events if e.step == "enrolled"}


def case_figures(pair: PairOutcome, case: fo.FoCase) -> dict[str, float]:
    """The figures of one submitted household (see the module docstring)."""
    tr, k = pair.trainee.households[case.case_id], pair.key.households[case.case_id]
    real = O.real_needs(case)
    d_tr, d_k = _served_days(tr, real), _served_days(k, real)
    met_tr = {n for n in real if tr.need_day(n) is not None}
    met_k = {n for n in real if k.need_day(n) is not None}
    extra = _enrolled(tr) - _enrolled(k)
    rejected = sum(1 for e in tr.events if e.step == "programme_rejected")
    lost_tr = any(r.state == "lost" for r in tr.needs.values())
    lost_k = any(r.state == "lost" for r in k.needs.values())
    return {
        "cases": 1, "needs": len(real), "needs_met": len(met_tr), "needs_met_key": len(met_k),
        "days_sum": sum(d_tr), "days_n": len(d_tr), "days_key_sum": sum(d_k), "days_key_n": len(d_k),
        "exclusion": len(met_k - met_tr), "inclusion": len(extra),
        "places_wasted": len(extra - {"DUKCAPIL"}) + rejected,
        "displaced": len(pair.displaced_by(case.case_id)),  # the rows the household's timeline names
        "lost": int(lost_tr and not lost_k),
    }


def _finish(sums: dict[str, float]) -> dict[str, float]:
    out = {k: sums.get(k, 0) for k in METRICS if not k.startswith("days")}
    out["days_to_service"] = sums["days_sum"] / sums["days_n"] if sums.get("days_n") else float("nan")
    out["days_to_service_key"] = sums["days_key_sum"] / sums["days_key_n"] if sums.get("days_key_n") else float("nan")
    return out


def _add(a: dict, b: Mapping) -> None:
    for k, v in b.items():
        a[k] = a.get(k, 0) + v


@lru_cache(maxsize=512)
def _trainee_cached(code: str, seed: int, level: str, n: int, answers_json: str) -> tuple[dict, dict]:
    answers = {int(i): a for i, a in json.loads(answers_json).items()}
    cases = fo.build_cases(code, seed, level, n)
    pair = O.fo_outcome(code, seed, level, answers, n=n)
    per_case = {cases[i].case_id: case_figures(pair, cases[i]) for i in sorted(answers)}
    sums: dict[str, float] = {}
    for f in per_case.values():
        _add(sums, f)
    return per_case, sums


def trainee_outcome(class_code: str, seed: int, level: str, trainee: str, answers: Mapping[int, Mapping[str, Any]],
                    n: int = 10) -> TraineeOutcome:
    """One trainee's submitted files played together, against the key (cached by the answers)."""
    key = json.dumps({str(i): answers[i] for i in sorted(answers)}, sort_keys=True, default=str)
    per_case, sums = _trainee_cached(norm_code(class_code), int(seed), level, int(n), key)
    return TraineeOutcome(trainee, list(per_case), _finish(sums), per_case)


def class_view(class_code: str, seed: int, level: str, submissions: Mapping[str, Mapping[int, Mapping[str, Any]]],
               n: int = 10) -> dict:
    """Per trainee and for the class: ``{"trainees": [TraineeOutcome], "class": figures, "cases_in": k}``.

    ``submissions`` maps a trainee to their answers by case index (front office).
    """
    rows = []
    total: dict[str, float] = {}
    cases_in = 0
    for trainee in sorted(submissions):
        answers = submissions[trainee]
        cases_in += len(answers)
        if not answers:
            continue
        r = trainee_outcome(class_code, seed, level, trainee, answers, n)
        rows.append(r)
        _add(total, _trainee_cached(norm_code(class_code), int(seed), level, int(n),
                                    json.dumps({str(i): answers[i] for i in sorted(answers)}, sort_keys=True,
                                               default=str))[1])
    return {"trainees": rows, "class": _finish(total) if total else _finish({}), "cases_in": cases_in}


def submissions_from_store(store, class_code: str, n: int = 10, app: str = "fo") -> dict[str, dict[int, dict]]:
    """The class's submissions of ``app`` (front office by default) by trainee and case index (the
    number ending the case id; the last submission per case counts)."""
    df = store.submissions(class_code)
    out: dict[str, dict[int, dict]] = {}
    for r in df[df.app == app].itertuples(index=False):
        try:
            idx = int(str(r.case_id).rsplit("-", 1)[1]) - 1
        except (IndexError, ValueError):
            continue
        if 0 <= idx < n:
            out.setdefault(r.trainee, {})[idx] = json.loads(r.answers)
    return out
