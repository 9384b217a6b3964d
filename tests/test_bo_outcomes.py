"""Back-office decisions played in the simulation: the key's outcome, and the BO's mistakes."""
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
    app.panel.outcome.wait(120)  # the timelines are played in a background thread
    html_ = next(w.value for w in app.result.children if "slrt-outcome" in w._dom_classes)
    labels = [x.case_id for x in app.queue.cases if x.problem != "duplicate"]
    assert html_.count("class='oc-hh'") == len(labels)
    assert "Keputusan Anda" in html_ and "Penanganan yang tepat" in html_
    block = html_.split(f"data-label='{c.case_id}'")[1].split("</details>")[0]
    assert " open>" in block[:10] and "data-step='dtks_nik_not_found'" in block


# ------------------------------------------------------------------------------ FO feeds BO
def test_queue_made_of_fo_registrations_carries_their_errors(queue):
    from slrt_sim.training import front_office as fo

    c = next(c for c in queue.cases if c.problem == "clean")
    fo_case = next(x for x in fo.build_cases(CODE, SEED, LEVEL, n=bo.CASE_POOL) if x.case_id == c.registration["ref"])
    a = dict(fo.answer_key(fo_case))
    a.pop("referrals")
    typo = a["nik"][:-2] + a["nik"][-1] + a["nik"][-2]
    missed = a["needs"][0]
    a.update(nik=typo, needs=a["needs"][1:] or ["information"])
    q2 = bo.build_queue(CODE, SEED, LEVEL, registered={fo_case.case_id: a})
    c2 = q2.case(c.case_id)
    assert [x.hh for x in q2.cases] == [x.hh for x in queue.cases]  # the same households
    assert c2.registration["nik"] == typo and c2.registration["by_fo"]
    assert missed not in c2.needs and missed in c2.registration["true_needs"]
    key = bo.answer_key(q2)
    assert key["cases"][c.case_id]["status"] == "nik_error"  # the BO must catch the FO's typo
    # the DTKS search by the typed NIK finds nothing; by name it finds the household
    assert bo.dtks_search(q2, nik=typo) == []
    assert bo.dtks_search(q2, name=c2.head_name)
    # the outcome says the FO missed the need, and what the BO did about the NIK
    pair = B.bo_outcome(q2, key)
    h = pair.key.households[c.case_id]
    miss = [e for e in h.events if e.step == "need_not_recorded"]
    if missed in B._real_needs(q2, c2, bo.right_referrals(q2)):
        assert miss and miss[0].actor == "fo" and miss[0].need == missed
    assert "dtks_nik_not_found" not in h.steps()  # the key's BO caught the typo
    b = copy.deepcopy(key)
    b["cases"][c.case_id]["status"] = "match"
    assert "dtks_nik_not_found" in B.bo_outcome(q2, b).trainee.households[c.case_id].steps()


def test_bo_app_builds_the_queue_from_the_class_fo_submissions(tmp_path):
    from slrt_sim.apps.back_office import BackOfficeApp
    from slrt_sim.training import front_office as fo
    from slrt_sim.training.store import SessionStore

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class(CODE, SEED, LEVEL)
    q0 = bo.build_queue(CODE, SEED, LEVEL)
    ref = q0.cases[0].registration["ref"]
    fo_case = next(x for x in fo.build_cases(CODE, SEED, LEVEL, n=bo.CASE_POOL) if x.case_id == ref)
    a = dict(fo.answer_key(fo_case))
    a.pop("referrals")
    a["nik"] = a["nik"][:-1] + str((int(a["nik"][-1]) + 1) % 10)
    store.save_submission(trainee="Ani", class_code=CODE, app="fo", case_id=ref, answers=a, score=80,
                          max_score=100, feedback=[], started_at=0.0, submitted_at=1.0)
    app = BackOfficeApp(store)
    app.name.value, app.code.value = "Siti", CODE
    app._on_start()
    assert app.queue.cases[0].registration["nik"] == a["nik"]
    assert store.load_progress("Siti", CODE, "bo")["registered"][ref]["nik"] == a["nik"]
    # a later FO submission does not change a queue already started
    store.save_submission(trainee="Budi", class_code=CODE, app="fo", case_id=ref, answers=dict(a, nik="1" * 16),
                          score=10, max_score=100, feedback=[], started_at=0.0, submitted_at=2.0)
    again = BackOfficeApp(store)
    again.name.value, again.code.value = "Siti", CODE
    again._on_start()
    assert again.queue.cases[0].registration["nik"] == a["nik"]


def test_timeline_tells_the_dtks_nik_typo_of_a_queue_case(queue):
    # KELAS1 sedang, K04: made from a front-office case whose DTKS record holds the head's NIK one
    # digit off (the front office typed the right NIK), recorded decile 1
    from slrt_sim.training import outcomes as O

    c = queue.case("K04")
    assert c.registration["nik_mismatch"] and int(c.profile["dtks_decile"]) == 1
    key = B.bo_outcome(queue, bo.answer_key(queue)).key.households["K04"]
    assert [r["text"] for r in O.timeline_rows(key, lang="id") if r["step"] == "dtks_found"] == [
        "Back office menemukan rumah tangga di DTKS lewat pencarian nama (desil 1): NIK kepala keluarga di DTKS "
        "salah ketik satu angka, jadi pencarian NIK gagal; perbaikan NIK diusulkan ke pengelola DTKS."]
    # a trainee who took the NIK for a match: not found by NIK, a verval first, the typo still told
    a = bo.answer_key(queue)
    a["cases"]["K04"]["status"] = "match"
    mine = B.bo_outcome(queue, a).trainee.households["K04"]
    assert [r["step"] for r in O.timeline_rows(mine, lang="id")][2:5] == [
        "dtks_nik_not_found", "verval_nik_corrected", "dtks_found"]
    assert [r["text"] for r in O.timeline_rows(mine, lang="en") if r["step"] == "dtks_found"] == [
        "The back office finds the household in the DTKS (decile 1) after the verval: the head's NIK in the DTKS "
        "is one digit off; a NIK correction is proposed to the DTKS office."]
