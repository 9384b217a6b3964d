"""Role-play decisions played in the simulation: the key's outcome, and each mistake's.

The class is ``KELAS1`` (seed 2018, level *sedang*): ten households of the training kelurahan.
Each test changes one thing in the answer key's file of one household and checks that the
household's outcome moves the way the mistake should move it, on common random numbers.
"""
from __future__ import annotations

import dataclasses

import pytest

from slrt_sim.experiments.outcomes import displaced, outcome_seed, run_pair, run_scripts
from slrt_sim.model.decisions import Script
from slrt_sim.domain.programs import NEED_PROGRAMS, check, decisive_reason
from slrt_sim.training import front_office as fo
from slrt_sim.training import outcomes as O

CODE, SEED, LEVEL = "KELAS1", 2018, "sedang"


@pytest.fixture(scope="module")
def cases():
    return fo.build_cases(CODE, SEED, LEVEL)


def key(case) -> dict:
    return dict(fo.answer_key(case))


def first(cases, problem, ok=lambda c: True):
    return next(i for i, c in enumerate(cases) if c.problem == problem and ok(c))


def day_of(h, step):
    return next((e.day for e in h.events if e.step == step), None)


def test_the_class_households_are_the_ones_we_expect(cases):
    # the tests below rely on these households (written down from the class's cases)
    assert [c.problem for c in cases[:5]] == ["clean", "not_listed", "no_docs", "served", "false_sktm"]
    assert key(cases[0])["decision"] == "refer_bo" and key(cases[4])["decision"] == "close_info"


def test_key_answers_give_exactly_the_key_outcome(cases):
    answers = {i: key(c) for i, c in enumerate(cases)}
    pair = O.fo_outcome(CODE, SEED, LEVEL, answers)
    assert pair.trainee is not pair.key  # re-simulated, not the cached run
    for label, h in pair.key.households.items():
        assert pair.trainee.households[label].events == h.events
        assert pair.trainee.households[label].needs == h.needs
    assert pair.trainee.enrolments == pair.key.enrolments
    assert pair.displaced == []


def test_same_seed_same_outcome_and_another_class_differs(cases):
    a = key(cases[0])
    a["needs"] = ["income", "care"]
    one = O.fo_outcome(CODE, SEED, LEVEL, {0: a})
    two = O.fo_outcome(CODE, SEED, LEVEL, {0: a})
    assert one.trainee.enrolments == two.trainee.enrolments
    assert one.trainee.households[cases[0].case_id].events == two.trainee.households[cases[0].case_id].events
    other = O.class_key_run("KELAS2", SEED, LEVEL)
    assert other.enrolments != O.class_key_run(CODE, SEED, LEVEL).enrolments


def test_background_is_the_same_when_only_one_file_differs(cases):
    # common random numbers: a NIK typo changes nothing for the other households
    a = key(cases[0])
    a["nik"] = a["nik"][:-2] + a["nik"][-1] + a["nik"][-2]
    pair = O.fo_outcome(CODE, SEED, LEVEL, {0: a})
    assert pair.displaced == []
    for label, h in pair.key.households.items():
        if label != cases[0].case_id:
            assert pair.trainee.households[label].events == h.events


def test_mistyped_nik_delays_the_dtks_check(cases):
    i = first(cases, "clean")
    a = key(cases[i])
    a["nik"] = a["nik"][:-2] + a["nik"][-1] + a["nik"][-2]
    assert a["nik"] != key(cases[i])["nik"]
    pair = O.fo_outcome(CODE, SEED, LEVEL, {i: a})
    tr, k = pair.trainee.households[cases[i].case_id], pair.key.households[cases[i].case_id]
    assert "dtks_nik_not_found" in tr.steps() and "dtks_nik_not_found" not in k.steps()
    assert tr.steps().index("dtks_nik_not_found") < tr.steps().index("verval_nik_corrected") < tr.steps().index("dtks_found")
    assert day_of(tr, "dtks_found") >= day_of(k, "dtks_found") + 0.5  # a working day later at least
    assert min(day_of(tr, "referred"), 1e9) > day_of(k, "referred")


def missed_need(cases):
    """A referred household with two real needs, and its key's file without the first need (nor the
    programmes that answer only that need)."""
    i = next(i for i, c in enumerate(cases) if key(c)["decision"] == "refer_bo" and len(O.real_needs(c)) >= 2)
    c = cases[i]
    need = O.real_needs(c)[0]
    a = key(c)
    a["needs"] = [n for n in a["needs"] if n != need]
    others = {p for n in a["needs"] for p in NEED_PROGRAMS[n]}
    a["programs"] = [p for p in a["programs"] if p in others]
    return i, need, a


def test_missed_need_stays_unmet_until_it_comes_back_as_a_complaint(cases):
    i, need, a = missed_need(cases)
    c = cases[i]
    pair = O.fo_outcome(CODE, SEED, LEVEL, {i: a})
    tr, k = pair.trainee.households[c.case_id], pair.key.households[c.case_id]
    assert any(e.step == "need_not_recorded" and e.need == need for e in tr.events)
    assert k.need_day(need) is not None
    later = tr.need_day(need)
    assert later is None or later > k.need_day(need)
    back = [e for e in tr.events if e.need == need and e.step in ("complaint_followup", "walk_in_again")]
    assert later is None or back  # if it was met at all, it came back first


def test_missed_fast_track_waits_longer_when_the_quota_is_contested(cases):
    # two households, nobody else, for one place a month of the local programme: the vulnerable
    # one (fast track in the key) goes first; without the fast track the poorer one does, and the
    # vulnerable one waits a cycle (30 days)
    scen = O.outcome_scenario().with_overrides({"programs.LOCAL.quota_per_cycle": 1, "needs.incidence_poor": 0,
                                                "needs.incidence_nonpoor": 0})
    pop = O.class_population(SEED, cases)
    h = pop.households
    vuln = int(h.index[(h.vulnerable) & (h.in_dtks) & (h.dtks_decile == 4) & h.has_kk & ~h.missing_docs][0])
    poor = int(h.index[(~h.vulnerable) & (h.in_dtks) & (h.dtks_decile == 2) & h.has_kk & ~h.missing_docs][0])
    base = dict(needs=("food",), true_needs=("food",), real_needs=("food",), decision="refer_bo",
                programs=("LOCAL",))
    k = [Script(hh=vuln, label="A", arrive=30.4, fast_track=True, **base),
         Script(hh=poor, label="B", arrive=30.5, fast_track=False, **base)]
    tr = [dataclasses.replace(k[0], fast_track=False), k[1]]
    pair = run_pair(scen, pop, tr, k, outcome_seed(SEED, 5))
    key_a, key_b = (day_of(pair.key.households[x], "enrolled") for x in "AB")
    tr_a, tr_b = (day_of(pair.trainee.households[x], "enrolled") for x in "AB")
    assert key_a < key_b and tr_b < tr_a
    assert tr_a >= key_a + 29
    enrolled = [e for e in pair.trainee.households["A"].events if e.step == "enrolled"]
    assert enrolled[0].detail["cycles_waited"] >= 1


def test_wrong_programme_is_rejected_and_comes_back_as_a_complaint(cases):
    # a referred household, and a programme answering one of its needs that its rule refuses
    i, need, wrong = next((i, n, p) for i, c in enumerate(cases) if key(c)["decision"] == "refer_bo"
                          for n in O.real_needs(c) for p in NEED_PROGRAMS[n]
                          if p != "LOCAL" and not check(p, c.household).eligible)
    c = cases[i]
    a = key(c)
    a["programs"] = [p for p in a["programs"] if p not in NEED_PROGRAMS[need]] + [wrong]
    pair = O.fo_outcome(CODE, SEED, LEVEL, {i: a})
    tr = pair.trainee.households[c.case_id]
    rej = [e for e in tr.events if e.step == "programme_rejected"]
    assert rej and rej[0].program == wrong and rej[0].need == need
    assert rej[0].detail["reason"] == decisive_reason(check(wrong, c.household))
    steps = tr.steps()
    assert steps.index("programme_rejected") < steps.index("complaint_rejected")
    re_ref = [e for e in tr.events if e.step == "referred" and e.need == need and e.detail.get("by") == "rules"]
    assert re_ref and re_ref[0].program != wrong and re_ref[0].day > rej[0].day
    k = pair.key.households[c.case_id]
    assert tr.need_day(need) is None or k.need_day(need) is None or tr.need_day(need) >= k.need_day(need)


def test_accepted_false_sktm_is_enrolled_in_the_class(cases):
    i = first(cases, "false_sktm")
    c = cases[i]
    a = key(c)
    a.update(sktm="accept", decision="refer_bo", programs=["PBI_JK", "LOCAL"])
    pair = O.fo_outcome(CODE, SEED, LEVEL, {i: a})
    tr, k = pair.trainee.households[c.case_id], pair.key.households[c.case_id]
    assert "enrolled" in tr.steps() and "enrolled" not in k.steps()
    assert "sktm_verval" in k.steps() and "sktm_verval" not in tr.steps()


def test_accepted_false_sktm_takes_a_place_from_a_poorer_family(cases):
    # the false SKTM's file says decile 1; a poorer family (real decile <= 3, on file 2) wants the
    # same place of PBI-JK, one a month, nobody else in the kelurahan
    scen = O.outcome_scenario().with_overrides({"programs.PBI_JK.quota_per_cycle": 1, "needs.incidence_poor": 0,
                                                "needs.incidence_nonpoor": 0})
    pop = O.class_population(SEED, cases)
    h = pop.households
    i = first(cases, "false_sktm")
    c = cases[i]
    poor = int(h.index[(~h.vulnerable) & h.in_dtks & (h.dtks_decile == 2) & (h.true_decile <= 3) & h.has_kk
                       & ~h.missing_docs & ~h.receives_pbi][0])
    other = Script(hh=poor, label="POOR", arrive=30.5, needs=("health",), true_needs=("health",),
                   real_needs=("health",), decision="refer_bo", programs=("PBI_JK",))
    a = key(c)
    a.update(sktm="accept", decision="refer_bo", programs=["PBI_JK"], needs=["health"])
    k = [O.fo_script(c, key(c), 30.4), other]
    tr = [O.fo_script(c, a, 30.4), other]
    pair = run_pair(scen, pop, tr, k, outcome_seed(SEED, 3))
    assert "enrolled" in pair.trainee.households[c.case_id].steps()
    assert [(r["hh"], r["label"], r["program"]) for r in pair.displaced] == [(poor, "POOR", "PBI_JK")]
    row = pair.displaced[0]
    assert row["day_trainee"] is None or row["day_trainee"] >= row["day_key"] + 29
    assert h.at[poor, "true_decile"] < c.household["true_decile"]
    text = O.displaced_rows(pair, c.case_id, SEED, lang="en")
    assert len(text) == 1 and "POOR" in text[0] and f"real decile {int(h.at[poor, 'true_decile'])}" in text[0]


def test_displaced_ignores_the_changed_households():
    # the trainee's own household is never reported as "displaced" by itself
    cases_ = fo.build_cases(CODE, SEED, LEVEL)
    pop = O.class_population(SEED, cases_)
    keys = O.key_scripts(cases_)
    seed = outcome_seed(SEED, 9)
    kr = run_scripts(O.outcome_scenario(), pop, keys, seed)
    j = next(j for j, sc in enumerate(keys) if sc.decision == "refer_bo"
             and "enrolled" in kr.households[sc.label].steps())
    tr_scripts = list(keys)
    tr_scripts[j] = dataclasses.replace(keys[j], decision="close_info", real_needs=())  # never comes back
    tr = run_scripts(O.outcome_scenario(), pop, tr_scripts, seed)
    rows = displaced(kr, tr, ignore={keys[j].label})
    assert all(r["label"] != keys[j].label for r in rows)
    assert any(r["label"] == keys[j].label for r in displaced(kr, tr))


def test_timeline_rows_read_in_both_languages(cases):
    pair = O.fo_outcome(CODE, SEED, LEVEL, {})
    h = pair.key.households[cases[1].case_id]  # unlisted poor: DTKS proposal, determination, referral
    rows_id = O.timeline_rows(h, lang="id")
    rows_en = O.timeline_rows(h, lang="en")
    assert rows_id[0]["day"] == 0 and "Puskesos" in rows_id[0]["text"]
    assert any("Diusulkan masuk DTKS" in r["text"] for r in rows_id)
    assert any("Proposed for the DTKS" in r["text"] for r in rows_en)
    assert [r["day"] for r in rows_id] == sorted(r["day"] for r in rows_id)
    needs = O.need_rows(h, lang="id")
    assert {n["code"] for n in needs} == set(cases[1].needs)


# ------------------------------------------------------------------------------ the class's kelurahan
def _answers(case, **change):
    a = key(case)
    a.pop("referrals")
    a["sktm"] = a["sktm"][0] if a["sktm"] else None
    a.update(change)
    return a


def test_class_view_adds_up_and_compares_with_the_key(cases):
    from slrt_sim.training import class_outcomes as C

    perfect = {i: _answers(c) for i, c in enumerate(cases)}
    sloppy = dict(perfect)
    j, _, a = missed_need(cases)
    a.pop("referrals")
    sloppy[j] = _answers(cases[j], needs=a["needs"], programs=a["programs"])      # a missed need
    i = first(cases, "false_sktm")
    sloppy[i] = _answers(cases[i], sktm="accept", decision="refer_bo", programs=["PBI_JK", "LOCAL"])
    partial = {1: _answers(cases[1]), 2: _answers(cases[2])}
    view = C.class_view(CODE, SEED, LEVEL, {"Ani": perfect, "Budi": sloppy, "Citra": partial})
    rows = {r.trainee: r for r in view["trainees"]}
    # cases in = cases shown
    assert view["cases_in"] == 22 == sum(len(r.cases) for r in rows.values()) == view["class"]["cases"]
    assert rows["Citra"].cases == [cases[1].case_id, cases[2].case_id]
    # the perfect trainee's kelurahan is the key's
    a = rows["Ani"].figures
    assert a["needs_met"] == a["needs_met_key"] and a["exclusion"] == a["inclusion"] == a["places_wasted"] == 0
    assert a["days_to_service"] == pytest.approx(a["days_to_service_key"])
    # the sloppy one: the false SKTM's places are inclusion errors, someone was displaced
    b = rows["Budi"].figures
    assert b["inclusion"] >= 1 and b["places_wasted"] >= 1
    # the missed need is not served (the mean days to service, and the count of needs met, are over
    # a different set of needs served, so they may go either way)
    assert b["exclusion"] >= 1
    # class totals are the sums
    for m in ("needs", "needs_met", "exclusion", "inclusion", "places_wasted", "displaced", "lost"):
        assert view["class"][m] == sum(r.figures[m] for r in rows.values())


def test_dashboard_kelurahan_tab_shows_the_class(tmp_path, monkeypatch, cases):
    from slrt_sim.apps.dashboard import Dashboard
    from slrt_sim.training.store import SessionStore

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class(CODE, SEED, LEVEL, trainer="t")
    i = first(cases, "false_sktm")
    subs = {("Ani", 0): _answers(cases[0]), ("Ani", 1): _answers(cases[1]),
            ("Budi", i): _answers(cases[i], sktm="accept", decision="refer_bo", programs=["PBI_JK", "LOCAL"])}
    for (who, k), a in subs.items():
        store.save_submission(trainee=who, class_code=CODE, app="fo", case_id=cases[k].case_id, answers=a,
                              score=50, max_score=100, feedback=[], started_at=0.0, submitted_at=1.0)
    monkeypatch.setenv("SLRT_TRAINER_PIN", "4321")
    d = Dashboard(store)
    d.pin.value = "4321"
    d._on_pin()
    d.choose.value = CODE
    assert d.kelurahan.value == ""  # computed only when its tab is open
    d.tabs.selected_index = 4
    html_ = d.kelurahan.value
    assert "data-cases='3'" in html_ and "Ani" in html_ and "Budi" in html_
    assert "data-metric='inclusion'" in html_ and "oc-warn" in html_


def test_timeline_tells_the_planted_dtks_nik_typo(cases):
    # KELAS1 case 6 (index 5): the DTKS holds the head's NIK one digit off, decile 1
    i = 5
    assert cases[i].planted == ["dtks_nik_invalid"] and cases[i].household["dtks_decile"] == 1
    pair = O.fo_outcome(CODE, SEED, LEVEL, {})
    found = [r["text"] for r in O.timeline_rows(pair.key.households[cases[i].case_id], lang="id")
             if r["step"] == "dtks_found"]
    assert found == ["Back office menemukan rumah tangga di DTKS lewat pencarian nama (desil 1): NIK kepala "
                     "keluarga di DTKS salah ketik satu angka, jadi pencarian NIK gagal; perbaikan NIK "
                     "diusulkan ke pengelola DTKS."]
    found_en = [r["text"] for r in O.timeline_rows(pair.key.households[cases[i].case_id], lang="en")
                if r["step"] == "dtks_found"]
    assert found_en == ["The back office finds the household in the DTKS by a name search (decile 1): the head's "
                        "NIK in the DTKS is one digit off, so the NIK search failed; a NIK correction is proposed "
                        "to the DTKS office."]
    # a household whose DTKS record is right keeps the plain line
    plain = [r["text"] for r in O.timeline_rows(pair.key.households[cases[0].case_id], lang="id")
             if r["step"] == "dtks_found"]
    assert plain == ["Back office menemukan rumah tangga di DTKS (desil 2)."]
    # the front office also mistyped the NIK: found after the verval, the DTKS typo still told
    a = key(cases[i])
    a["nik"] = a["nik"][:-2] + a["nik"][-1] + a["nik"][-2]
    tr = O.fo_outcome(CODE, SEED, LEVEL, {i: a}).trainee.households[cases[i].case_id]
    texts = [r["text"] for r in O.timeline_rows(tr, lang="id") if r["step"] == "dtks_found"]
    assert texts == ["Back office menemukan rumah tangga di DTKS (desil 1) setelah verval: NIK kepala keluarga "
                     "di DTKS salah ketik satu angka; perbaikan NIK diusulkan ke pengelola DTKS."]
