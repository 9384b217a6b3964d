"""Back-office decisions played in the simulation (issue 9): the key's outcome, and the BO's mistakes."""
from __future__ import annotations

import copy

import pytest

from slrt_sim.training import back_office as bo
from slrt_sim.training import bo_outcomes as B

CODE, SEED, LEVEL = "KELAS1", 2018, "sedang"


@pytest.fixture(scope="module")
def queue():
    return bo.build_queue(CODE, SEED, LEVEL)


def case_of(queue, problem):
    return next(c for c in queue.cases if c.problem == problem)


def test_key_answers_give_exactly_the_key_outcome(queue):
    pair = B.bo_outcome(queue, bo.answer_key(queue))
    assert pair.trainee is not pair.key
    for label, h in pair.key.households.items():
        assert pair.trainee.households[label].events == h.events
    assert pair.trainee.enrolments == pair.key.enrolments and pair.displaced == []
    assert {s.by for s in B.bo_scripts(queue, bo.answer_key(queue))} == {"bo"}


def test_missed_nik_error_costs_a_verval_visit(queue):
    c = case_of(queue, "nik_typo")
    a = copy.deepcopy(bo.answer_key(queue))
    a["cases"][c.case_id]["status"] = "match"
    pair = B.bo_outcome(queue, a)
    tr, k = pair.trainee.households[c.case_id], pair.key.households[c.case_id]
    assert "dtks_nik_not_found" in tr.steps() and "dtks_nik_not_found" not in k.steps()
    first_ref = lambda h: min(e.day for e in h.events if e.step == "referred")  # noqa: E731
    assert first_ref(tr) > first_ref(k)


def test_false_sktm_without_verval_is_enrolled(queue):
    c = case_of(queue, "false_sktm")
    a = copy.deepcopy(bo.answer_key(queue))
    mark = a["cases"][c.case_id]
    mark["verval"] = False
    mark["decisions"] = {p: True for p in mark["decisions"]}  # the record says poor: everything "eligible"
    mark["priority"] = 1
    pair = B.bo_outcome(queue, a)
    tr, k = pair.trainee.households[c.case_id], pair.key.households[c.case_id]
    assert "enrolled" in tr.steps() and "enrolled" not in k.steps()
    assert "sktm_verval" in k.steps() and "sktm_verval" not in tr.steps()
    assert all(e.detail.get("by") == "bo" for e in tr.events if e.step == "referred")


def test_a_programme_marked_ineligible_leaves_the_need_unmet_until_it_comes_back(queue):
    # the trainee refuses every programme of a household the key refers: no letter; the need
    # comes back at a follow-up or a new walk-in and is referred by the rules, later
    key = bo.answer_key(queue)
    right = bo.right_referrals(queue)
    c = next(c for c in queue.cases if c.problem == "clean" and any(right.get((c.case_id, n)) for n in c.needs))
    need = next(n for n in c.needs if right.get((c.case_id, n)))
    a = copy.deepcopy(key)
    a["cases"][c.case_id]["decisions"] = {p: False for p in a["cases"][c.case_id]["decisions"]}
    pair = B.bo_outcome(queue, a)
    tr, k = pair.trainee.households[c.case_id], pair.key.households[c.case_id]
    assert any(e.step == "no_letter" and e.need == need and e.actor == "bo" for e in tr.events)
    assert k.need_day(need) is not None
    assert tr.need_day(need) is None or tr.need_day(need) > k.need_day(need)


def test_bo_app_shows_each_households_two_timelines_after_submit(tmp_path, queue):
    from slrt_sim.apps.back_office import BackOfficeApp
    from slrt_sim.training.store import SessionStore

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class(CODE, SEED, LEVEL)
    app = BackOfficeApp(store)
    app.name.value, app.code.value = "Siti", CODE
    app._on_start()
    a = copy.deepcopy(bo.answer_key(app.queue))
    c = case_of(app.queue, "nik_typo")
    a["cases"][c.case_id]["status"] = "match"  # the NIK error is missed
    app.submit_answers(a)
    html_ = next(w.value for w in app.result.children if "slrt-outcome" in w._dom_classes)
    labels = [x.case_id for x in app.queue.cases if x.problem != "duplicate"]
    assert html_.count("class='oc-hh'") == len(labels)
    assert "Keputusan Anda" in html_ and "Penanganan yang tepat" in html_
    block = html_.split(f"data-label='{c.case_id}'")[1].split("</details>")[0]
    assert " open>" in block[:10] and "data-step='dtks_nik_not_found'" in block
