"""What the role play's decisions do to the class's households.

Each case of a class is a household of the class's kelurahan (the training scenario, generated
with the class's seed). Its front-office file — as the trainee made it, or as the answer key
makes it — becomes a :class:`slrt_sim.model.decisions.Script` that enters the simulation at
registration on the day the resident walks in; the simulation then plays the kelurahan forward
:data:`MONTHS` months on the working calendar (:mod:`slrt_sim.experiments.outcomes`).

* :func:`fo_script` — a front-office answer (or the key) as a script;
* :func:`fo_outcome` — the pair of runs for one trainee: their files so far (the others by the
  key) against the key for all, on the same seed; the key's run is cached per class;
* :func:`timeline_rows` / :func:`need_rows` — a household's timeline and the state of its needs,
  in the catalogue's language (``oc.*`` keys), for the apps.

The population of the runs is the class's training population with the cases' planted edits
written in (a case may plant a missing KK or a DTKS listing), so the simulation sees the same
households the trainees read.
"""
from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import pandas as pd

from slrt_sim.domain.calendar import WorkCalendar
from slrt_sim.domain.programs import PROGRAMS
from slrt_sim.domain.scenario import Scenario, load_scenario
from slrt_sim.experiments.outcomes import (HouseholdOutcome, PairOutcome, RunOutcome, outcome_seed, run_pair, run_scripts,
                                           year_record)
from slrt_sim.experiments.results import RunResult, collect
from slrt_sim.i18n import fmt_num, has, month_names, t
from slrt_sim.model.decisions import Script
from slrt_sim.paths import TRAINING_SCENARIO
from slrt_sim.training import front_office as fo
from slrt_sim.training.core import LEVELS, person_name, training_population
from slrt_sim.training.store import norm_code

START_DAY = 28
"""The class's households walk in from this day on (a month of background first, so the
kelurahan's queues and quotas are already in motion)."""
MONTHS = 6
HORIZON_DAYS = 183
ARRIVAL_HOUR = 9.0


@dataclass
class _Population:
    """What :class:`slrt_sim.model.flow.Model` reads of a population: its households."""

    households: pd.DataFrame


@lru_cache(maxsize=2)
def outcome_scenario() -> Scenario:
    """The training scenario, played from day 0 to :data:`START_DAY` + six months."""
    return load_scenario(TRAINING_SCENARIO, {"horizon_days": START_DAY + HORIZON_DAYS})


def arrival_days(n: int, scenario: Scenario | None = None) -> list[float]:
    """The walk-in moment of case ``i``: the i-th working day from :data:`START_DAY`, 09:00."""
    if scenario is None:
        return list(_arrival_days(int(n)))
    return _days(n, scenario)


@lru_cache(maxsize=8)
def _arrival_days(n: int) -> tuple[float, ...]:
    return tuple(_days(n, outcome_scenario()))


def _days(n: int, s: Scenario) -> list[float]:
    cal = WorkCalendar(s.calendar, s.horizon_days)
    out, d = [], START_DAY
    for _ in range(n):
        d = cal.next_work_day(d)
        out.append(d + ARRIVAL_HOUR / 24.0)
        d += 1
    return out


def class_population(seed: int, cases: list[fo.FoCase]) -> _Population:
    """The class's households with the cases' planted edits (profiles as the trainees read them)."""
    h = training_population(int(seed)).households.copy()
    for c in cases:
        for col, v in c.household.items():
            if col in h.columns:
                h.at[c.hh, col] = v
    return _Population(h)


def _digits(s: Any) -> str:
    return "".join(str(s or "").split())


def real_needs(case: fo.FoCase, key: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The case's needs the rules route somewhere (a programme, Dukcapil or a DTKS proposal):
    the needs the household keeps, and comes back with, until they are met."""
    key = key or fo.answer_key(case)
    if case.problem == "false_sktm":
        return ()
    return tuple(n for n, r in key["referrals"].items() if r.program or r.propose_dtks)


def fo_script(case: fo.FoCase, answers: Mapping[str, Any], arrive: float, by: str = "fo") -> Script:
    """A front-office answer as a script (the household as the trainee filed it)."""
    key = fo.answer_key(case)
    sktm = answers.get("sktm") if case.documents["sktm"] else None
    if isinstance(sktm, (tuple, list)):  # the key lists every acceptable choice
        sktm = "verify" if "verify" in sktm and case.problem == "false_sktm" else sktm[0]
    decision = answers.get("decision") if answers.get("decision") in fo.DECISIONS else "close_info"
    needs = tuple(n for n in fo.NEEDS if n in set(answers.get("needs") or ()))
    progs = tuple(p for p in PROGRAMS if p in set(answers.get("programs") or ())) if decision == "refer_bo" else ()
    return Script(hh=int(case.hh), label=case.case_id, arrive=float(arrive), needs=needs,
                  true_needs=tuple(case.needs), nik_ok=_digits(answers.get("nik")) == key["nik"],
                  fast_track=bool(answers.get("fast_track")), decision=decision, programs=progs, sktm=sktm,
                  real_needs=real_needs(case, key), by=by, dtks_nik_wrong="dtks_nik_invalid" in case.planted)


def key_scripts(cases: list[fo.FoCase]) -> list[Script]:
    days = arrival_days(len(cases))
    return [fo_script(c, fo.answer_key(c), days[i]) for i, c in enumerate(cases)]


@lru_cache(maxsize=8)
def _class(code: str, seed: int, level: str, n: int):
    cases = fo.build_cases(code, seed, level, n)
    pop = class_population(seed, cases)
    keys = key_scripts(cases)
    sseed = outcome_seed(seed, zlib.crc32(code.encode("utf-8")) ^ LEVELS.index(level))
    key_run = run_scripts(outcome_scenario(), pop, keys, sseed)
    return cases, pop, keys, sseed, key_run


def class_key_run(class_code: str, seed: int, level: str, n: int = 10) -> RunOutcome:
    """The answer key's run of the class's kelurahan (cached)."""
    return _class(norm_code(class_code), int(seed), level, int(n))[4]


def fo_outcome(class_code: str, seed: int, level: str, answers: Mapping[int, Mapping[str, Any]],
               n: int = 10) -> PairOutcome:
    """The trainee's run (their answers by case index; the key for cases not answered) and the key's."""
    cases, pop, keys, sseed, key_run = _class(norm_code(class_code), int(seed), level, int(n))
    return run_pair(outcome_scenario(), pop, _scripts(cases, keys, answers), keys, sseed, key_run=key_run)


def _scripts(cases: list[fo.FoCase], keys: list[Script], answers: Mapping[int, Mapping[str, Any]]) -> list[Script]:
    days = arrival_days(len(cases))
    return [fo_script(c, answers[i], days[i]) if i in answers else keys[i] for i, c in enumerate(cases)]


def class_year(class_code: str, seed: int, level: str, answers: Mapping[int, Mapping[str, Any]] | None = None,
               n: int = 10) -> tuple[RunResult, RunOutcome]:
    """The whole run of the class's kelurahan (every household, the daily timeline) with a trainee's
    files (``answers`` by case index), or the key's files (``None``): the run :func:`fo_outcome`
    makes, for the year view of the debrief: ``(the background's result, the class's households)``."""
    cases, pop, keys, sseed, _key_run = _class(norm_code(class_code), int(seed), level, int(n))
    scripts = keys if answers is None else _scripts(cases, keys, answers)
    record, outcome = year_record(outcome_scenario(), pop, scripts, sseed)
    return collect(record), outcome


# ------------------------------------------------------------------------------ rendering
def _date(day: float, lang: str | None) -> str:
    d = outcome_scenario().calendar.start_date + dt.timedelta(days=int(day))
    return f"{d.day} {month_names(lang, 'abbreviated')[d.month - 1]}"


def _text(step: str, e_need, e_prog, detail: Mapping[str, Any], lang: str | None) -> str:
    fields = {"need": t(f"need.{e_need}", lang=lang) if e_need else "",
              "program": t(f"prog.{e_prog}.name", lang=lang) if e_prog else ""}
    for k, v in detail.items():
        if k == "reason" and isinstance(v, str):
            fields["reason"] = _reason(v, e_prog, lang)
        elif k == "needs":
            fields["needs"] = ", ".join(t(f"need.{x}", lang=lang) for x in v) or "—"
        else:
            fields[k] = v
    key = f"oc.step.{step}" if step != "dtks_determined" else \
        f"oc.step.dtks_determined.{'yes' if detail.get('listed') else 'no'}"
    if step == "dtks_found" and detail.get("dtks_nik") == "wrong":  # the DTKS typo the case planted
        key = f"oc.step.dtks_found.nik_{detail.get('nik_fix', 'proposed')}"
    if fields["need"] and fields["need"].lower() in fields["program"].lower() and has(f"{key}.own"):
        key = f"{key}.own"  # "Dukcapil (identity documents)" needs no "(identity documents)" after it
    text = t(key, lang=lang, **{k: fields.get(k, "") for k in _FIELDS})
    if step == "registered":
        extra = []
        if not detail.get("nik_ok", True):
            extra.append(t("oc.note.nik_typo", lang=lang))
        if detail.get("fast_track"):
            extra.append(t("oc.note.fast_track", lang=lang))
        text = " ".join([text] + extra)
    if step == "enrolled" and detail.get("cycles_waited"):
        text += " " + t("oc.note.cycles_waited", lang=lang, n=detail["cycles_waited"])
    return text


_FIELDS = ("need", "program", "reason", "needs", "decile", "cycles_waited", "listed")


def _reason(key: str, program: str | None, lang: str | None) -> str:
    name = t(f"prog.{program}.name", lang=lang) if program else ""
    if not has(key):
        key = f"oc.reason.{key}" if has(f"oc.reason.{key}") else "oc.reason.no_programme"
    return t(key, lang=lang, program=name)


_BAD = {"need_not_recorded", "closed_info", "no_letter", "dtks_nik_not_found", "programme_rejected",
        "lost_patience", "lost_followup", "lost_unreachable", "complaint_rejected", "complaint_delivery",
        "dukcapil_nothing", "closed_ineligible"}
_GOOD = {"enrolled", "served", "information_given", "dtks_found", "documents_ready"}


def timeline_rows(h: HouseholdOutcome, lang: str | None = None, start: float | None = None) -> list[dict]:
    """The household's timeline: ``day`` (since the walk-in), ``date``, ``actor``, ``text``, ``tone``."""
    t0 = start if start is not None else (h.events[0].day if h.events else 0.0)
    rows = []
    for e in h.events:
        rows.append({
            "day": int(e.day - int(t0)) if e.day >= t0 else 0, "date": _date(e.day, lang),
            "actor": t(f"oc.actor.{e.actor}", lang=lang), "step": e.step,
            "text": _text(e.step, e.need, e.program, e.detail, lang),
            "tone": "bad" if e.step in _BAD else "good" if e.step in _GOOD else "",
        })
    return rows


SERVED_STEPS = ("served", "information_given")
"""Timeline steps that meet a need: the day a need was met is the first of them (:func:`need_rows`).
(``same_place`` is not one: the place is there, its support arrives with a later ``served`` line.)"""


def need_rows(h: HouseholdOutcome, lang: str | None = None, horizon: float | None = None) -> list[dict]:
    """Where each need stands at the end: ``need``, ``state`` (text), ``day`` (since the walk-in) or ``None``.

    The day is the timeline's own: the day of the need's first line that meets it
    (:data:`SERVED_STEPS`), counted as :func:`timeline_rows` counts, so the panel under the
    timeline and the timeline never name two days for one fact (a need met only through another
    need's place has no line of its own: its day is when that place's support arrived)."""
    t0 = int(h.events[0].day) if h.events else 0
    first_met: dict[str, float] = {}
    for e in h.events:
        if e.step in SERVED_STEPS and e.need is not None:
            first_met.setdefault(e.need, e.day)
    out = []
    for n, r in h.needs.items():
        if n == "information" and r.state != "served":
            continue
        met = first_met.get(n, r.day_served)
        day = None if met is None or r.state != "served" else int(met - t0) if met >= t0 else 0
        prog = t(f"prog.{r.program}.name", lang=lang) if r.program else "—"
        out.append({"need": t(f"need.{n}", lang=lang), "state": t(f"oc.state.{r.state}", lang=lang, program=prog),
                    "day": day, "code": n, "raw_state": r.state})
    return out


def _family(seed: int, hh: int, label: str | None, lang: str | None) -> str:
    pop = training_population(int(seed))
    head = pop.members(hh).iloc[0]
    name = person_name(str(head.first_name), str(head.last_name))
    h = pop.households
    decile = int(h.at[hh, "true_decile"])
    if label:
        return t("oc.displaced.classmate", lang=lang, name=name, case=label, decile=decile)
    return t("oc.displaced.background", lang=lang, name=name, rt=f"{int(h.at[hh, 'rt']):02d}", decile=decile)


def _displaced_days(pair: PairOutcome, row: Mapping[str, Any]) -> tuple[float, float | None]:
    """The displaced family's enrolment day with the right handling and with the trainee's files.
    A classmate's household has its own timelines: the days are read from their "enrolled" lines
    (counted as :func:`timeline_rows` counts: whole days since the walk-in), so the sentence and the
    classmate's timelines name one number; a background family's come from the run's enrolments."""
    key_h, mine_h = pair.key.households.get(row.get("label") or ""), pair.trainee.households.get(row.get("label") or "")
    if key_h is None or mine_h is None or not key_h.events:
        return row["day_key"], row["day_trainee"]

    def enrolled(h) -> float | None:
        t0 = int(h.events[0].day)
        days = [int(e.day - t0) for e in h.events if e.step == "enrolled" and e.program == row["program"]]
        return float(min(days)) if days else None

    key_day, late_day = enrolled(key_h), enrolled(mine_h)
    if key_day is None:
        return row["day_key"], row["day_trainee"]
    return key_day, late_day


def displaced_rows(pair: PairOutcome, label: str, seed: int, lang: str | None = None) -> list[str]:
    """Sentences naming the households that lost a programme place the household ``label`` took."""
    if label not in pair.trainee.households:
        return []
    out = []
    for row in pair.displaced_by(label):
        who = _family(seed, row["hh"], row["label"], lang)
        key_day, late_day = _displaced_days(pair, row)
        when = (t("oc.displaced.later", lang=lang, day=fmt_num(late_day - key_day))
                if late_day is not None else t("oc.displaced.never", lang=lang))
        out.append(t("oc.displaced.row", lang=lang, who=who, program=t(f"prog.{row['program']}.name", lang=lang),
                     when=when))
    return out
