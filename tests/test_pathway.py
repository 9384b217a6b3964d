"""The one pathway: what the office cannot know is never used, and household steps happen once.

Answers written by hand from the class's households (KELAS1, seed 2018, level sedang) and the
rules: household 2 is unlisted and poor with two needs (food, income), so the back office
proposes it for the DTKS once and both needs wait for that one decision.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from slrt_sim.experiments.outcomes import outcome_seed, run_scripts
from slrt_sim.model.decisions import Rules, Script
from slrt_sim.model.flow import Model
from slrt_sim.training import front_office as fo
from slrt_sim.training import outcomes as O

CODE, SEED, LEVEL = "KELAS1", 2018, "sedang"


def test_a_household_with_two_needs_is_proposed_and_verval_ed_once():
    cases = fo.build_cases(CODE, SEED, LEVEL)
    c = cases[1]
    assert c.problem == "not_listed" and set(c.needs) == {"food", "income"}
    h = O.class_key_run(CODE, SEED, LEVEL).households[c.case_id]
    steps = Counter(e.step for e in h.events)
    assert steps["dtks_proposed"] == steps["dtks_deliberation_accepted"] == steps["verval_done"] == 1
    assert steps["dtks_determined"] <= 1
    deciles = {e.detail["decile"] for e in h.events if e.step == "verval_done"}
    assert deciles == {int(c.household["true_decile"])}  # the decile the story (and the feedback) names


def test_the_programme_queue_ranks_an_unknown_household_last_not_by_its_true_decile():
    # two residents for one Dukcapil place a day, nobody else: the unlisted one (true decile 1, never
    # verval-ed: the office knows nothing of its decile) waits behind the listed one (decile 5 on file)
    s = O.outcome_scenario().with_overrides({"programs.DUKCAPIL.quota_per_cycle": 1, "needs.incidence_poor": 0,
                                             "needs.incidence_nonpoor": 0})
    pop = O.class_population(SEED, fo.build_cases(CODE, SEED, LEVEL))
    h = pop.households
    unknown = int(h.index[(~h.in_dtks) & (h.true_decile == 1) & (~h.vulnerable) & h.missing_docs][0])
    listed = int(h.index[h.in_dtks & (h.dtks_decile == 5) & (~h.vulnerable)][0])
    h.loc[listed, "missing_docs"] = True
    base = dict(needs=("documents",), true_needs=("documents",), real_needs=("documents",), decision="refer_bo",
                programs=("DUKCAPIL",))
    scripts = [Script(hh=unknown, label="U", arrive=30.4, **base), Script(hh=listed, label="L", arrive=30.5, **base)]
    run = run_scripts(s, pop, scripts, outcome_seed(SEED, 11))
    day = {lab: next(e.day for e in run.households[lab].events if e.step == "enrolled") for lab in "UL"}
    assert day["L"] < day["U"]


def test_the_rules_see_no_true_decile_and_do_not_propose_a_household_a_verval_found_well_off():
    s = O.outcome_scenario()
    pop = O.class_population(SEED, fo.build_cases(CODE, SEED, LEVEL))
    m = Model(s, pop, 0)
    h = pop.households
    hh = int(h.index[(~h.in_dtks) & (h.true_decile <= 3) & h.has_kk & (~h.missing_docs)][0])
    view = m.pathway.office_view(hh)
    assert "true_decile" not in view and "poor" not in view
    rules = Rules(m.pathway.limits, m.pathway.enabled, s.database.max_decile)
    assert rules.refer("food", view).propose_dtks  # unlisted, nothing known: propose
    m.households.verified_decile[hh] = 9
    ref = rules.refer("food", m.pathway.office_view(hh))
    assert not ref.propose_dtks and ref.program is None  # a verval found decile 9: no proposal


def test_the_event_log_has_each_step_of_a_case_once():
    s = O.outcome_scenario()
    pop = O.class_population(SEED, fo.build_cases(CODE, SEED, LEVEL))
    record = Model(s, pop, np.random.SeedSequence(5)).run()
    seen = Counter((r[1], r[2], r[3]) for r in record.event_log.rows)
    assert seen and max(seen.values()) == 1
    per_case = Counter((r[1], r[2]) for r in record.event_log.rows if r[2] in ("walk_in", "outreach_found",
                                                                                "registered"))
    assert max(per_case.values()) == 1
