"""Two hundred random trainee submissions played in the class's kelurahan: the timelines hold together.

The submissions are drawn with a seeded RNG over the forms' choices (front office: the needs, the
NIK, the fast track, the decision, the programmes, the SKTM; back office: the DTKS status, the
verval, each programme's decision, the priority), starting from the answer key so that most
files are near misses, as a class's are. For every household of every pair of runs:

* no event is duplicated: no step twice at the same moment, no household-level step (walk-in,
  proposal, deliberation, verval, determination) twice on one day, no second place in a programme
  while the first is open, no line that says the same thing twice;
* the household's decile has one value per moment (every verval of it records the same decile),
  and it is the decile the feedback names;
* where each need ends (the panel under the timeline) is what the timeline says;
* the class view's figures are the timelines' (needs met, programme places, rejected letters,
  displaced families), and the class's totals are the trainees' sums;
* every number the feedback panel shares with a timeline is the timeline's: the day a need was met,
  a displaced classmate's decile and how many days later it was enrolled.
"""
from __future__ import annotations

import random
import re
from collections import defaultdict

import pytest

from slrt_sim.domain.programs import PROGRAMS
from slrt_sim.training import back_office as bo
from slrt_sim.training import bo_outcomes as B
from slrt_sim.training import class_outcomes as C
from slrt_sim.training import fo_grading
from slrt_sim.training import front_office as fo
from slrt_sim.training import outcomes as O

CODE, SEED, LEVEL = "ACAK", 2018, "sedang"
FO_SUBMISSIONS, BO_SUBMISSIONS = 150, 50
HOUSEHOLD_STEPS = ("walk_in", "registered", "dtks_proposed", "dtks_deliberation_accepted", "dtks_deliberation_rejected",
                   "verval_done", "sktm_verval", "dtks_determined", "dtks_nik_not_found", "verval_nik_corrected")
VERVALS = ("verval_done", "sktm_verval")
ENDS = ("served", "lost_patience", "lost_followup", "lost_unreachable")

pytestmark = pytest.mark.slow


def fo_submission(rng: random.Random, case: fo.FoCase) -> dict:
    """A front-office form as a trainee might fill it: the key, with some fields chosen at random."""
    key = fo.answer_key(case)
    a = {k: v for k, v in key.items() if k != "referrals"}
    a["sktm"] = key["sktm"][0] if key["sktm"] else None
    a["needs"] = list(a["needs"])
    if rng.random() < 0.3:
        a["needs"] = rng.sample(fo.NEEDS, rng.randint(0, 3))
    if rng.random() < 0.2:
        a["nik"] = a["nik"][:-2] + a["nik"][-1] + a["nik"][-2]
    if rng.random() < 0.2:
        a["fast_track"] = rng.random() < 0.5
    if rng.random() < 0.35:
        a["decision"] = rng.choice(fo.DECISIONS)
    if rng.random() < 0.35:
        a["programs"] = rng.sample(PROGRAMS, rng.randint(0, 3))
    if case.documents["sktm"] and rng.random() < 0.5:
        a["sktm"] = rng.choice(fo.SKTM_CHOICES)
    return a


def bo_submission(rng: random.Random, queue: bo.Queue) -> dict:
    """A back-office queue as a trainee might work it: the key, with some marks chosen at random."""
    a = bo.answer_key(queue)
    for cid, m in a["cases"].items():
        if rng.random() < 0.25:
            m["status"] = rng.choice(bo.STATUSES)
        if rng.random() < 0.25:
            m["verval"] = not m["verval"]
        for p in list(m["decisions"]):
            if rng.random() < 0.2:
                m["decisions"][p] = rng.choice((True, False, None))
        if rng.random() < 0.2:
            m["priority"] = rng.randint(1, len(queue.cases))
    return a


@pytest.fixture(scope="module")
def fo_runs():
    """Trainees, each with a random set of cases, 150 front-office submissions in all."""
    rng = random.Random(20261203)
    cases = fo.build_cases(CODE, SEED, LEVEL)
    subs: dict[str, dict[int, dict]] = {}
    n = 0
    while n < FO_SUBMISSIONS:
        k = min(rng.randint(1, len(cases)), FO_SUBMISSIONS - n)
        picked = sorted(rng.sample(range(len(cases)), k))
        subs[f"T{len(subs):02d}"] = {i: fo_submission(rng, cases[i]) for i in picked}
        n += k
    pairs = {who: O.fo_outcome(CODE, SEED, LEVEL, answers) for who, answers in subs.items()}
    return cases, subs, pairs


@pytest.fixture(scope="module")
def bo_runs():
    rng = random.Random(1203)
    queue = bo.build_queue(CODE, SEED, LEVEL)
    subs = [bo_submission(rng, queue) for _ in range(BO_SUBMISSIONS)]
    return queue, subs, [B.bo_outcome(queue, a) for a in subs]


# ------------------------------------------------------------------------------ one timeline
def _key(e) -> tuple:
    return (e.step, e.need, e.program, round(e.day, 6), tuple(sorted((k, str(v)) for k, v in e.detail.items())))


def check_timeline(h) -> None:
    events = h.events
    assert [e.day for e in events] == sorted(e.day for e in events), h.label
    keys = [_key(e) for e in events]
    assert len(keys) == len(set(keys)), f"{h.label}: an event twice"
    per_day = [(e.step, int(e.day)) for e in events if e.step in HOUSEHOLD_STEPS]
    assert len(per_day) == len(set(per_day)), f"{h.label}: a household step twice on one day: {per_day}"
    deciles = {int(e.detail["decile"]) for e in events if e.step in VERVALS}
    assert len(deciles) <= 1, f"{h.label}: vervals disagree {deciles}"
    for e in events:
        if e.step == "dtks_determined" and e.detail.get("listed") and deciles:
            assert int(e.detail["decile"]) in deciles, h.label
    # no second place in a programme while the first is open
    open_: dict[str, bool] = defaultdict(bool)
    for e in events:
        if e.step == "enrolled":
            assert not open_[e.program], f"{h.label}: a second {e.program} place"
            open_[e.program] = True
        elif e.step in ENDS and e.program:
            open_[e.program] = False
    for lang in ("id", "en"):
        for r in O.timeline_rows(h, lang=lang):
            assert not re.search(r"\(([^()]*)\)\W*\(\1\)", r["text"]), r["text"]  # "(x) (x)"


def check_needs(h) -> None:
    """The need rows under the timeline say what the timeline says."""
    t0 = int(h.events[0].day)
    for row in O.need_rows(h, lang="en"):
        need, state = row["code"], row["raw_state"]
        steps = {e.step for e in h.events if e.need == need}
        if state == "served":
            served = [e for e in h.events if e.need == need and e.step in ("served", "information_given", "same_place")]
            assert served, f"{h.label} {need}: served without a line"
            assert row["day"] == int(h.needs[need].day_served - t0)
            assert int(min(e.day for e in served)) - t0 <= row["day"]
        elif state == "rejected":
            assert "programme_rejected" in steps, (h.label, need)
        elif state == "closed_info":
            assert "closed_info" in steps, (h.label, need)
        elif state == "unmet":
            assert steps & {"need_not_recorded", "no_letter", "closed_info"}, (h.label, need, steps)
        elif state == "lost":
            assert steps & {"lost_patience", "lost_followup", "same_place"} or any(
                e.step == "lost_unreachable" for e in h.events), (h.label, need)
        elif state == "waiting_quota":
            assert "waiting_quota" in steps, (h.label, need)


# ------------------------------------------------------------------------------ front office
def test_front_office_timelines_hold_together(fo_runs):
    cases, subs, pairs = fo_runs
    assert sum(len(a) for a in subs.values()) == FO_SUBMISSIONS
    for pair in pairs.values():
        for run in (pair.trainee, pair.key):
            for h in run.households.values():
                check_timeline(h)
                check_needs(h)


def test_front_office_feedback_names_the_timelines_decile(fo_runs):
    cases, subs, pairs = fo_runs
    seen = 0
    for who, answers in subs.items():
        pair = pairs[who]
        for i, a in answers.items():
            case = cases[i]
            decile = int(case.household["true_decile"])
            items = [x for x in fo_grading.grade(case, a).items if x["item"] == "sktm"]
            for run in (pair.trainee, pair.key):
                vervals = [e for e in run.households[case.case_id].events if e.step in VERVALS]
                for e in vervals:
                    assert e.detail["decile"] == decile
                    seen += 1
            if case.problem == "false_sktm" and items:
                said = [int(x) for x in re.findall(r"(?:desil|decile) (\d+)", items[0]["message"])]
                assert said == [decile], items[0]["message"]  # the decile the feedback names
    assert seen > 0  # the sample has vervals to compare


def test_class_view_counts_are_the_timelines(fo_runs):
    cases, subs, pairs = fo_runs
    view = C.class_view(CODE, SEED, LEVEL, subs)
    assert view["cases_in"] == FO_SUBMISSIONS == view["class"]["cases"]
    rows = {r.trainee: r for r in view["trainees"]}
    total = defaultdict(float)
    for who, answers in subs.items():
        pair = pairs[who]
        for i in answers:
            case = cases[i]
            tr, key = pair.trainee.households[case.case_id], pair.key.households[case.case_id]
            real = O.real_needs(case)
            met = sum(1 for n in real if any(e.need == n and e.step in ("served", "same_place") for e in tr.events)
                      and tr.needs[n].state == "served")
            places = {e.program for e in tr.events if e.step == "enrolled"} - \
                {e.program for e in key.events if e.step == "enrolled"}
            rejected = sum(1 for e in tr.events if e.step == "programme_rejected")
            fig = rows[who].per_case[case.case_id]
            assert fig["needs_met"] == met, (who, case.case_id)
            assert fig["inclusion"] == len(places)
            assert fig["places_wasted"] == len(places - {"DUKCAPIL"}) + rejected
            assert fig["displaced"] == len(O.displaced_rows(pair, case.case_id, SEED, lang="en"))
            for m in ("needs", "needs_met", "exclusion", "inclusion", "places_wasted", "displaced", "lost"):
                total[m] += fig[m]
    for m, v in total.items():
        assert view["class"][m] == v, m


# ------------------------------------------------------------------------------ back office
def test_back_office_timelines_hold_together(bo_runs):
    queue, subs, pairs = bo_runs
    truth = {c.case_id: int(c.truth["verified_decile"]) for c in queue.cases if c.problem != "duplicate"}
    for pair in pairs:
        for run in (pair.trainee, pair.key):
            for label, h in run.households.items():
                check_timeline(h)
                check_needs(h)
                for e in h.events:
                    if e.step in VERVALS:
                        assert e.detail["decile"] == truth[label]  # the decile the case's truth (and key) names
        summary = B.summary_rows(pair, queue)
        for r in summary.itertuples(index=False):
            h = pair.trainee.households[r.case_id]
            c = queue.case(r.case_id)
            assert r.served == sum(1 for n in c.needs if h.needs.get(n) and h.needs[n].state == "served")


# ------------------------------------------------------------------------------ one fact, one number
def _numbers(text: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", text)]


def check_shared_numbers(pair, cases_by_label: dict, label: str, seed: int) -> tuple[int, int]:
    """Every number the feedback panel shares with a timeline is the timeline's: the day a need was
    met (the panel under the timeline), and for a displaced classmate the decile and the days later
    named in the sentence (their own timelines). Returns how many days met and how many displaced
    classmates were compared."""
    seen, classmates = 0, 0
    for run in (pair.trainee, pair.key):
        h = run.households[label]
        rows = O.timeline_rows(h, lang="en")
        t0 = int(h.events[0].day)
        for n in O.need_rows(h, lang="en"):
            if n["day"] is None:
                continue
            lines = [int(e.day - t0) for e in h.events if e.need == n["code"] and e.step in O.SERVED_STEPS]
            if not lines:  # met through another need's place: that place's support line
                continue
            assert n["day"] == min(lines), (label, n["code"], n["day"], lines)  # the day of its first line
            assert any(r["day"] == n["day"] and r["step"] in O.SERVED_STEPS for r in rows)
            seen += 1
    for row, text in zip(pair.displaced_by(label), O.displaced_rows(pair, label, seed, lang="en")):
        other = cases_by_label.get(row["label"])
        if other is None:
            continue
        decile = int(other.household["true_decile"]) if hasattr(other, "household") else int(
            other.truth["verified_decile"])
        assert f"real decile {decile})" in text, text
        for run in (pair.trainee, pair.key):
            for e in run.households[row["label"]].events:
                if e.step in VERVALS:
                    assert int(e.detail["decile"]) == decile, (row["label"], e)

        def enrolled(h):
            t0 = int(h.events[0].day)
            return [r["day"] for r in O.timeline_rows(h, lang="en") if r["step"] == "enrolled"
                    and any(e.step == "enrolled" and e.program == row["program"] and int(e.day - t0) == r["day"]
                            for e in h.events)]

        key_days = enrolled(pair.key.households[row["label"]])
        late_days = enrolled(pair.trainee.households[row["label"]])
        if late_days:
            assert "days later" in text and _numbers(text.split(":")[-1]) == [late_days[0] - key_days[0]], text
        else:
            assert "not enrolled" in text, text
        classmates += 1
    return seen, classmates


def test_numbers_shared_by_feedback_and_timeline_come_from_one_fact(fo_runs, bo_runs):
    cases, subs, pairs = fo_runs
    by_label = {c.case_id: c for c in cases}
    days = classmates = 0
    for who, answers in subs.items():
        for i in answers:
            d, m = check_shared_numbers(pairs[who], by_label, cases[i].case_id, SEED)
            days, classmates = days + d, classmates + m
    queue, _bo_subs, bo_pairs = bo_runs
    bo_labels = {c.case_id: c for c in queue.cases if c.problem != "duplicate"}
    for pair in bo_pairs:
        for label in bo_labels:
            d, m = check_shared_numbers(pair, bo_labels, label, SEED)
            days, classmates = days + d, classmates + m
    assert days > 100 and classmates > 0, (days, classmates)  # the sample has both to compare
