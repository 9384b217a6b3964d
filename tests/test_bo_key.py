"""The back-office key over every combination of front-office mistake × DTKS state.

The expected answers in the tables are written by hand from the rules (DOMAIN.md, the
programme rules in :mod:`slrt_sim.domain.programs` and the status order documented in
:func:`slrt_sim.training.back_office.right_status`); the households are built by hand too, so
a change of the population generator cannot move them.
"""
from __future__ import annotations

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import back_office as bo
from slrt_sim.training import bo_grading
from slrt_sim.training import front_office as fo

YEAR = 2025
NIK = "3375011204800001"
WRONG_NIK = "3375011204800007"  # one digit typed wrong
NAME = "Siti Aminah"

# a poor household (true decile 2): a mother, a child under 6, documents complete, a fit house
HOUSEHOLD = {
    "true_decile": 2, "in_dtks": True, "dtks_decile": 2, "dtks_year": YEAR - 1, "via_sktm": False,
    "nik_invalid": False, "has_kk": True, "missing_docs": False, "has_pregnant": False, "n_child_0_6": 1,
    "n_school_6_21": 0, "n_out_of_school_7_18": 0, "has_elderly_70": False, "has_disability": False,
    "has_severe_disability": False, "atensi_target": False, "owns_land": True, "house_unfit": False,
    "n_working_age": 1, "receives_pkh": False, "receives_bpnt": False, "receives_pbi": False, "vulnerable": True,
}

# DTKS state -> (the record as the office has it, what a verval visit finds, planted problem)
STATES = {
    "current": ({}, {}, "clean"),
    "not_listed": ({"in_dtks": False, "dtks_decile": 0, "dtks_year": 0}, {}, "not_listed"),
    "stale": ({"dtks_year": YEAR - 6, "dtks_decile": 5}, {}, "stale"),
    "false_sktm": ({"via_sktm": True}, {"true_decile": 8}, "false_sktm"),
    "served": ({"receives_bpnt": True}, {"receives_bpnt": True}, "served"),
    "dtks_nik_typo": ({}, {}, "clean"),   # the DTKS holds the head's NIK mistyped
    "duplicate": ({}, {}, "duplicate"),   # the household's second registration
}
MISTAKES = ("none", "nik", "name", "nik+name", "needs")
"""What the front-office trainee got wrong on the registration: nothing, the NIK, the head's
name, both, or the needs (recorded "health" where the resident asked for food)."""


def make_case(state: str, mistake: str) -> bo.BoCase:
    record, found, problem = STATES[state]
    profile = {**HOUSEHOLD, **record}
    truth = {**HOUSEHOLD, **{k: v for k, v in record.items() if k not in ("dtks_year", "dtks_decile")},
             **found, "in_dtks": profile["in_dtks"], "dtks_year": profile["dtks_year"]}
    truth["dtks_decile"] = truth["true_decile"] if truth["in_dtks"] else 0
    truth["verified_decile"] = truth["true_decile"]
    typed_nik = WRONG_NIK if "nik" in mistake else NIK
    reg = {"name": "Siti Aminh" if "name" in mistake else NAME, "nik": typed_nik, "kk": "3375010101010001",
           "address": "Jl. Melati 3", "channel": "dinas", "documents": [], "sktm": state == "false_sktm",
           "story": "", "ref": "X-01",
           "nik_mismatch": typed_nik != NIK or state == "dtks_nik_typo"}
    needs = ("health",) if mistake == "needs" else ("food",)
    return bo.BoCase("K01", 1, problem, reg, [], needs, profile, truth, start_year=YEAR,
                     duplicate_of="K00" if state == "duplicate" else None)


# the DTKS status, by hand: a duplicate first; a household with no record is "not listed"
# whatever NIK was typed; a listed household whose NIKs differ is a NIK error; else a match
STATUS = {
    #                 none          nik           name          nik+name      needs
    "current":       ("match",      "nik_error",  "match",      "nik_error",  "match"),
    "not_listed":    ("not_listed", "not_listed", "not_listed", "not_listed", "not_listed"),
    "stale":         ("match",      "nik_error",  "match",      "nik_error",  "match"),
    "false_sktm":    ("match",      "nik_error",  "match",      "nik_error",  "match"),
    "served":        ("match",      "nik_error",  "match",      "nik_error",  "match"),
    "dtks_nik_typo": ("nik_error",  "nik_error",  "nik_error",  "nik_error",  "nik_error"),
    "duplicate":     ("duplicate",  "duplicate",  "duplicate",  "duplicate",  "duplicate"),
}
# verval: an SKTM, a record older than 4 years or no record at all; never for a duplicate.
# A front-office typing mistake changes nothing here.
VERVAL = {"current": False, "not_listed": True, "stale": True, "false_sktm": True, "served": False,
          "dtks_nik_typo": False, "duplicate": False}
# decisions on the recorded need: food -> BPNT (DTKS, decile <= 3), LOCAL (verified or recorded
# decile <= 5, no DTKS needed); health -> PBI-JK (DTKS, decile <= 4), LOCAL.
# not listed: no DTKS programme, LOCAL on the verval's decile 2; stale: the verval finds decile 2;
# false SKTM: the verval finds decile 8, nothing; served: already receives BPNT, so not again.
DECISIONS = {
    ("current", "food"): {"BPNT": True, "LOCAL": True},
    ("not_listed", "food"): {"BPNT": False, "LOCAL": True},
    ("stale", "food"): {"BPNT": True, "LOCAL": True},
    ("false_sktm", "food"): {"BPNT": False, "LOCAL": False},
    ("served", "food"): {"BPNT": False, "LOCAL": True},
    ("dtks_nik_typo", "food"): {"BPNT": True, "LOCAL": True},
    ("current", "health"): {"PBI_JK": True, "LOCAL": True},
    ("not_listed", "health"): {"PBI_JK": False, "LOCAL": True},
    ("stale", "health"): {"PBI_JK": True, "LOCAL": True},
    ("false_sktm", "health"): {"PBI_JK": False, "LOCAL": False},
    ("served", "health"): {"PBI_JK": True, "LOCAL": True},
    ("dtks_nik_typo", "health"): {"PBI_JK": True, "LOCAL": True},
}


@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("state", list(STATES))
def test_the_key_for_every_mistake_and_dtks_state(state, mistake):
    case = make_case(state, mistake)
    assert bo.right_status(case) == STATUS[state][MISTAKES.index(mistake)]
    assert bo.verval_needed(case) is VERVAL[state]
    if state == "duplicate":
        return  # a second registration is rejected: no decision to make
    need = case.needs[0]
    assert {p: bo.decision(case, p)[0] for p in case.candidates} == DECISIONS[(state, need)]


@pytest.mark.parametrize("mistake", ["nik", "nik+name"])
def test_a_mistyped_nik_of_an_unlisted_household_is_not_called_a_nik_error(mistake):
    """The BO trainee who answers "not listed (propose)" is right, and the explanation says so."""
    case = make_case("not_listed", mistake)
    queue = bo.Queue("UJI", 1, "mudah", "Pekalongan", "kota", "Jawa Tengah", [case], quota={"BPNT": 1},
                     start_year=YEAR)
    answers = {"cases": {"K01": {"checked": True, "status": "not_listed", "verval": True,
                                 "decisions": {"BPNT": False, "LOCAL": True}, "priority": 1}}}
    g = bo_grading.grade(queue, answers, 0, 60)
    status = next(i for i in g.items if i["section"] == "status")
    assert status["ok"] and status["rule"] == "rule.not_in_dtks"
    assert t("bo.rule.nik_error") not in status["message"]


def test_the_class_queue_marks_a_mistyped_unlisted_household_not_listed():
    """Through the real queue: the front office typed a wrong NIK for a household not in the DTKS."""
    base = bo.build_queue("UJI-KEY", 2018, "mudah")
    case = next(c for c in base.cases if c.problem == "not_listed")
    ref = case.registration["ref"]
    nik = case.registration["nik"]
    typed = nik[:-1] + ("0" if nik[-1] != "0" else "1")
    q = bo.build_queue("UJI-KEY", 2018, "mudah", registered={ref: {"nik": typed, "head": case.head_name,
                                                                   "needs": list(case.needs)}})
    mine = q.case(case.case_id)
    assert mine.registration["nik"] == typed and mine.registration["nik_mismatch"]
    assert bo.right_status(mine) == "not_listed"
    assert bo.dtks_search(q, nik=typed) == []


@pytest.mark.parametrize("level", ["sedang", "sulit"])
def test_front_and_back_office_show_one_nik_per_household(level):
    """The same household's DTKS record carries the same NIK (and name) in both role plays."""
    code, seed = "UJI-NIK", 2018
    q = bo.build_queue(code, seed, level)
    fo_dtks = fo.class_dtks(code, seed, level, n=bo.CASE_POOL)
    fo_cases = {c.hh: c for c in fo.build_cases(code, seed, level, n=bo.CASE_POOL)}
    compared = 0
    for c in q.cases:
        if c.problem == "duplicate" or not c.profile["in_dtks"]:
            continue
        head = fo_cases[c.hh].head
        in_fo = {(r["nik"], r["head_name"]) for r in fo_dtks.records if r["members"] and
                 {m["nik"] for m in r["members"]} & {m["nik"] for m in fo_cases[c.hh].members}}
        in_bo = {(r["nik"], r["head_name"]) for r in q.dtks.records if r["members"] and
                 {m["nik"] for m in r["members"]} & {m["nik"] for m in fo_cases[c.hh].members}}
        assert in_fo == in_bo, (c.case_id, head["name"])
        compared += 1
    assert compared >= 3


# ----------------------------------------------------------------------------- empty means empty
@pytest.fixture(scope="module")
def sedang():
    return bo.build_queue("UJI-KOSONG", 2018, "sedang")


def test_only_checking_the_dtks_earns_nothing(sedang):
    answers = bo.empty_answers(sedang)
    for a in answers["cases"].values():
        a["checked"] = True
    g = bo_grading.grade(sedang, answers, 0, 60)
    assert g.score == 0 and g.max_score > 0


def test_a_fully_decided_queue_has_no_empty_decision(sedang):
    key = bo.answer_key(sedang)
    assert any(c.problem == "duplicate" for c in sedang.cases)
    assert bo.open_decisions(sedang, key) == []
    assert len(bo.open_decisions(sedang, bo.empty_answers(sedang))) == sum(
        1 + len(c.candidates) for c in sedang.cases)


def test_points_only_for_decisions_made(sedang):
    """Statuses chosen, every programme decision left open: points for the statuses and for the
    verval choices resting on them, none for referrals, order or time."""
    key = bo.answer_key(sedang)
    answers = bo.empty_answers(sedang)
    for cid, a in answers["cases"].items():
        a["status"] = key["cases"][cid]["status"]
    g = bo_grading.grade(sedang, answers, 0, 60)
    earned = {i["section"] for i in g.items if i["points"]}
    assert earned <= {"status", "verval", "referral"}
    assert all(i["points"] == 0 for i in g.items if i["section"] in ("priority", "time", "decision"))
    dup = [c.case_id for c in sedang.cases if c.problem == "duplicate"]
    assert all(not i["points"] for i in g.items if i["section"] == "referral" and i["item"].split()[0] not in dup)
    assert 0 < g.score < g.max_score


def test_the_app_submits_a_fully_decided_queue_without_asking_about_empty_decisions(tmp_path):
    """The queue holds a duplicate (no programme decision to make): the first press submits."""
    from slrt_sim.apps.back_office import BackOfficeApp
    from slrt_sim.training.store import SessionStore

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class("UJI-KOSONG", 2018, "sedang")
    app = BackOfficeApp(store)
    assert app.login_box.submit("Sari", "UJI-KOSONG")
    key = bo.answer_key(app.queue)
    assert any(c.problem == "duplicate" for c in app.queue.cases)
    for p in app.panels:  # as a trainee would: every tab opened, every decision made
        p.build()
        k = key["cases"][p.case.case_id]
        p._on_check()
        if k["verval"]:
            p._on_verval()
        p.status.value = k["status"]
        for prog, ok in k["decisions"].items():
            p.decisions[prog].value = ok
        p.priority.value = k["priority"] or 0
    app._on_submit()
    assert app.state.get("submitted"), app.saved.value
    assert app.state["submitted"]["score"] == app.state["submitted"]["max_score"]
    app.panel.outcome.wait(120)
    # an empty queue: the first press asks, the second submits and earns nothing
    app._on_again()
    app._on_submit()
    assert not app.state.get("submitted") and "kosong" in app.saved.value
    app._on_submit()
    assert app.state["submitted"]["score"] == 0
    app.panel.outcome.wait(120)
