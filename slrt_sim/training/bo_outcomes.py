"""What the back office's decisions do to the queue's households.

A back-office submission (:mod:`slrt_sim.training.back_office`: per case the DTKS status found, the
verval visit, the programme decisions and the priority order under this cycle's quota) becomes
one :class:`slrt_sim.model.decisions.Script` per household of the queue (``by="bo"``):

* the NIK: a registration whose NIK does not match the DTKS is corrected only if the trainee
  found the NIK error (status ``nik_error``); otherwise the simulated check misses the record
  and a verval visit is needed, and letters with the wrong NIK are refused by the programmes;
* a verval visit asked for is made (it finds the real decile; a better-off household listed
  through a false SKTM is then delisted); none asked for leaves the record as it is;
* the letters are the trainee's referrals: :func:`slrt_sim.training.back_office.allocate` with
  their decisions and their priority order, within this cycle's places;
* needs without a letter that the rules would route come back (follow-up, a new walk-in) and
  are then referred by the rules.

The answer key's submission (:func:`slrt_sim.training.back_office.answer_key`) is played on the
same seed; duplicate registrations are not simulated (they are the same household: their cost
is the place a second referral takes in :func:`allocate`).
"""
from __future__ import annotations

import json
import zlib
from functools import lru_cache
from typing import Any, Mapping

import pandas as pd

from slrt_sim.domain import programs
from slrt_sim.experiments.outcomes import PairOutcome, RunOutcome, outcome_seed, run_pair, run_scripts
from slrt_sim.model.decisions import Script
from slrt_sim.training import back_office as bo
from slrt_sim.training import bo_grading
from slrt_sim.training.core import LEVELS, training_population
from slrt_sim.training.outcomes import _Population, arrival_days, outcome_scenario


def queue_population(queue: bo.Queue) -> _Population:
    """The class's households with each queue household's DTKS record as the office has it."""
    h = training_population(queue.seed).households.copy()
    for c in queue.cases:
        if c.problem == "duplicate":
            continue
        for col, v in c.profile.items():
            if col in h.columns:
                h.at[c.hh, col] = v
    return _Population(h)


def _true_needs(c: bo.BoCase) -> tuple[str, ...]:
    """The household's needs: the front office's record, plus what a FO trainee failed to record."""
    extra = [n for n in c.registration.get("true_needs") or () if n not in c.needs]
    return tuple(c.needs) + tuple(extra)


def _real_needs(queue: bo.Queue, c: bo.BoCase, right: Mapping[tuple[str, str], str | None]) -> tuple[str, ...]:
    if c.problem == "false_sktm":
        return ()
    prof = bo.effective_profile(c)
    return tuple(n for n in _true_needs(c) if n != "information"
                 and (right.get((c.case_id, n)) or programs.refer(n, prof).program or programs.refer(n, prof).propose_dtks))


def bo_scripts(queue: bo.Queue, answers: Mapping[str, Any]) -> list[Script]:
    """The queue's households as the back office handled them (``answers`` as :func:`bo.empty_answers`)."""
    mine = bo.allocate(queue, bo_grading._trainee_eligible(queue, answers), bo_grading._trainee_order(queue, answers))
    right = bo.right_referrals(queue)
    cases = [c for c in queue.cases if c.problem != "duplicate"]
    days = arrival_days(len(cases))
    out = []
    for k, c in enumerate(cases):
        a = answers.get("cases", {}).get(c.case_id, {}) or {}
        nik_problem = bo.right_status(c) == "nik_error"
        letters = []
        for need in c.needs:
            prog = mine.get((c.case_id, need))
            if prog and prog not in {p for p, _ in letters}:
                letters.append((prog, need))
        out.append(Script(
            hh=int(c.hh), label=c.case_id, arrive=days[k], needs=tuple(c.needs), true_needs=_true_needs(c),
            registered_by="fo" if c.registration.get("by_fo") else "",
            nik_ok=not nik_problem or a.get("status") == "nik_error",
            fast_track=bool(c.truth.get("vulnerable")), decision="refer_bo", programs=(),
            sktm="verify" if a.get("verval") else ("accept" if c.registration.get("sktm") else None),
            real_needs=_real_needs(queue, c, right), by="bo", letters=tuple(letters),
            dtks_nik_wrong=bool(c.registration.get("nik_mismatch"))))
    return out


@lru_cache(maxsize=8)
def _queue(code: str, seed: int, level: str, registered: str = "{}"):
    queue = bo.build_queue(code, seed, level, registered=json.loads(registered))
    pop = queue_population(queue)
    keys = bo_scripts(queue, bo.answer_key(queue))
    sseed = outcome_seed(seed, zlib.crc32(("bo-" + code).encode("utf-8")) ^ LEVELS.index(level))
    return queue, pop, keys, sseed, run_scripts(outcome_scenario(), pop, keys, sseed)


def _registered(queue: bo.Queue) -> str:
    return json.dumps(queue.registered, sort_keys=True, default=str)


def bo_key_run(queue: bo.Queue) -> RunOutcome:
    return _queue(queue.class_code, queue.seed, queue.level, _registered(queue))[4]


def bo_outcome(queue: bo.Queue, answers: Mapping[str, Any]) -> PairOutcome:
    """The trainee's back-office answers played in the class's kelurahan, against the key's."""
    q, pop, keys, sseed, key_run = _queue(queue.class_code, queue.seed, queue.level, _registered(queue))
    return run_pair(outcome_scenario(), pop, bo_scripts(q, answers), keys, sseed, key_run=key_run)


def summary_rows(pair: PairOutcome, queue: bo.Queue) -> pd.DataFrame:
    """Per household: needs served (trainee / key) and the first day each was served."""
    rows = []
    for c in queue.cases:
        if c.problem == "duplicate":
            continue
        tr, k = pair.trainee.households[c.case_id], pair.key.households[c.case_id]
        rows.append({"case_id": c.case_id, "problem": c.problem,
                     "served": sum(1 for n in c.needs if tr.need_day(n) is not None),
                     "served_key": sum(1 for n in c.needs if k.need_day(n) is not None)})
    return pd.DataFrame(rows)


def fo_registrations(store, class_code: str) -> dict[str, dict]:
    """The class's front-office submissions by FO case id (:func:`slrt_sim.training.back_office.fo_registrations`)."""
    return bo.fo_registrations(store, class_code)
