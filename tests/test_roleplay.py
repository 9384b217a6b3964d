"""Role play: deterministic class cases, the simulated DTKS, and front-office grading."""
from __future__ import annotations

import re

import pytest

from slrt_sim.training import fo_grading
from slrt_sim import i18n

from slrt_sim.domain import programs
from slrt_sim.training import front_office as rp
from slrt_sim.i18n import t

SEED = 2018
CODE = "UJI-FO"


@pytest.fixture(scope="module")
def all_cases():
    return {lvl: rp.build_cases(CODE, SEED, lvl) for lvl in rp.LEVELS}


def perfect(case) -> dict:
    k = rp.answer_key(case)
    return {"nik": k["nik"], "kk": k["kk"], "head": k["head"], "members": "\n".join(k["members"]),
            "address": k["address"], "category": k["category"], "dtks": k["dtks"], "needs": list(k["needs"]),
            "fast_track": k["fast_track"], "decision": k["decision"], "programs": list(k["programs"]),
            "sktm": k["sktm"][0] if k["sktm"] else None}


def find(all_cases, pred, levels=rp.LEVELS):
    for lvl in levels:
        for c in all_cases[lvl]:
            if pred(c):
                return c
    raise AssertionError("no such case in the test classes")


# ------------------------------------------------------------------ cases
def test_cases_deterministic_per_class(all_cases):
    again = rp.build_cases(CODE.lower(), SEED, "sedang")
    assert [(c.case_id, c.hh, c.story, c.needs, c.planted) for c in again] == \
           [(c.case_id, c.hh, c.story, c.needs, c.planted) for c in all_cases["sedang"]]
    other = rp.build_cases("LAIN", SEED, "sedang")
    assert [c.hh for c in other] != [c.hh for c in all_cases["sedang"]]
    assert len({c.hh for c in all_cases["sulit"]}) == 10  # ten different households
    bo = rp.build_cases(CODE, SEED, "sedang", app="bo")
    assert [c.case_id for c in bo] == [c.case_id for c in all_cases["sedang"]] and bo[0].app == "bo"


def test_levels_plant_more_as_they_rise(all_cases):
    planted = {lvl: sum(len(c.planted) for c in cs) for lvl, cs in all_cases.items()}
    needs = {lvl: sum(len(c.needs) for c in cs) for lvl, cs in all_cases.items()}
    assert planted["mudah"] == 0 < planted["sedang"] < planted["sulit"]
    assert needs["mudah"] < min(needs["sedang"], needs["sulit"])
    assert sum(c.problem == "false_sktm" for c in all_cases["sulit"]) >= 2
    assert not any(c.problem == "false_sktm" for c in all_cases["mudah"])
    kinds = {c.problem for c in all_cases["mudah"]}
    assert {"clean", "not_listed", "no_kk", "no_docs", "served"} <= kinds


def test_stories_are_varied_indonesian_and_complete(all_cases):
    cases = [c for cs in all_cases.values() for c in cs]
    openings = {c.story_parts[0][0] for c in cases}
    closings = {c.story_parts[-1][0] for c in cases}
    assert len(openings) >= 4 and len(closings) >= 4
    assert len({c.story for c in cases}) == len(cases)
    for c in cases:
        assert "{" not in c.story and "rp." not in c.story
        assert c.members[c.applicant]["name"] in c.story
        assert c.story == c.story_text("id")
        assert c.story_text("en") != c.story
    sktm = find(all_cases, lambda c: c.problem == "false_sktm")
    assert "SKTM" in sktm.story
    dead = find(all_cases, lambda c: c.deceased is not None)
    assert dead.deceased["name"] in dead.story


def test_documents_carry_the_planted_problems(all_cases):
    c = find(all_cases, lambda c: "nik_typo_copy" in c.planted)
    assert c.documents["ktp"]["nik"] != c.head["nik"] and c.documents["kk"]["members"][0]["nik"] == c.head["nik"]
    c = find(all_cases, lambda c: c.problem == "no_kk")
    assert c.documents["kk"] is None and not c.household["has_kk"]
    assert all(m["name"] in c.story for m in c.members)  # members are told, since there is no KK
    c = find(all_cases, lambda c: c.problem == "served")
    assert "KKS" in c.documents["cards"] and c.household["receives_pkh"]


def test_public_view_holds_no_answer_key(all_cases):
    for c in all_cases["sulit"]:
        pub = c.public()
        assert set(pub) == {"case_id", "level", "index", "story", "documents"}
        text = repr(pub)
        for secret in ("planted", "true_decile", "vulnerable", "decision", "dukcapil_first", "refer_bo"):
            assert secret not in text


# ------------------------------------------------------------------ the DTKS
def test_dtks_search_by_nik_and_name(all_cases):
    c = find(all_cases, lambda c: c.household["in_dtks"] and not c.planted, ("mudah",))
    dtks = rp.class_dtks(CODE, SEED, "mudah")
    hits = dtks.search(nik=c.head["nik"])
    assert len(hits) == 1 and hits[0]["head_name"] == c.head["name"]
    assert dtks.search(nik=" ".join(re.findall("....", c.head["nik"])))[0]["record_id"] == hits[0]["record_id"]
    assert any(h["record_id"] == hits[0]["record_id"] for h in dtks.search(name=c.head["name"].upper()))
    member = c.members[-1]
    if len(c.members) > 1:
        assert dtks.search(nik=member["nik"])[0]["record_id"] == hits[0]["record_id"]
    assert "_hh" not in hits[0]
    u = find(all_cases, lambda c: not c.household["in_dtks"], ("mudah",))
    assert dtks.search(nik=u.head["nik"]) == []


def test_dtks_planted_problems(all_cases):
    lvl_of = {id(c): lvl for lvl, cs in all_cases.items() for c in cs}
    c = find(all_cases, lambda c: "dtks_nik_invalid" in c.planted)
    dtks = rp.class_dtks(CODE, SEED, lvl_of[id(c)])
    assert dtks.search(nik=c.head["nik"]) == []              # the NIK search fails ...
    by_name = dtks.search(name=c.head["name"])                # ... the name search finds it
    rec = next(r for r in by_name if r["kk"] == c.documents["kk"]["number"])
    assert rec["nik"] != c.head["nik"] and len(rec["nik"]) == 16

    c = find(all_cases, lambda c: "dtks_name_typo" in c.planted)
    dtks = rp.class_dtks(CODE, SEED, lvl_of[id(c)])
    rec = dtks.search(nik=c.head["nik"])[0] if "dtks_nik_invalid" not in c.planted else None
    if rec is not None:
        assert rec["head_name"] != c.head["name"]
        assert rec in dtks.search(name=c.head["name"])  # one typo away: still found by name

    c = find(all_cases, lambda c: "near_duplicate" in c.planted)
    dtks = rp.class_dtks(CODE, SEED, lvl_of[id(c)])
    same_address = [r for r in dtks.records if r["address"] == c.address]
    assert len(same_address) == 2 and len({r["nik"] for r in same_address}) == 2

    c = find(all_cases, lambda c: c.deceased is not None)
    dtks = rp.class_dtks(CODE, SEED, lvl_of[id(c)])
    rec = next(r for r in dtks.records if r["address"] == c.address and "_duplicate_of" not in r)
    assert c.deceased["name"] in [m["name"] for m in rec["members"]]
    assert c.deceased["name"] not in [m["name"] for m in c.members]


# ------------------------------------------------------------------ answer key from programs
def test_answer_key_uses_programs_refer(all_cases):
    for cs in all_cases.values():
        for c in cs:
            k = rp.answer_key(c)
            for need, ref in k["referrals"].items():
                # a false SKTM is judged on the decile a verval finds, and the reasons say so
                prof = dict(c.household, dtks_decile=c.household["true_decile"], decile_from_verval=True,
                            verified_decile=c.household["true_decile"]) \
                    if c.problem == "false_sktm" else c.household
                assert ref == programs.refer(need, prof)
                if c.problem == "false_sktm":
                    reasons = [r for v in ref.verdicts for r in v.reasons]
                    assert not any(r.startswith(("rule.decile_above.", "rule.decile_within."))
                                   and ".verval." not in r for r in reasons), reasons
            if not programs.documents_ok(c.household):
                assert k["decision"] == "dukcapil_first" and k["programs"] == ["DUKCAPIL"]
            if k["decision"] == "refer_bo":
                assert all(programs.check(p, c.household).eligible for p in k["programs"])
            assert k["fast_track"] == c.household["vulnerable"]


def test_single_source_of_truth(all_cases, monkeypatch):
    c = find(all_cases, lambda c: rp.answer_key(c)["programs"] == ["KIP"] or "KIP" in rp.answer_key(c)["programs"])
    assert perfect(c)["programs"].count("KIP") == 1
    monkeypatch.setitem(programs.RULES, "KIP", lambda h, limits, reasons: reasons.append("rule.kip.no_school_child") or False)
    assert "KIP" not in rp.answer_key(c)["programs"]  # change the rule in programs: the grading follows


# ------------------------------------------------------------------ grading
def test_consistency_check_key_scores_full_marks(all_cases):
    """Consistency check only (the key graded against itself); correctness: tests/test_golden.py."""
    for cs in all_cases.values():
        for c in cs:
            g = fo_grading.grade(c, perfect(c))
            assert g.score == g.max_score == 100, [i for i in g.items if not i["ok"]]
            assert all(i["ok"] for i in g.items)
            assert rp.validate(perfect(c), c) == {}


def test_sktm_genuine_accepts_either_choice(all_cases):
    c = find(all_cases, lambda c: "sktm_genuine" in c.planted)
    for choice in rp.SKTM_CHOICES:
        assert fo_grading.grade(c, dict(perfect(c), sktm=choice)).score == 100


def _one(g, item):
    found = g.item(item)
    assert found, item
    return found


def test_wrong_nik_from_the_photocopy(all_cases):
    c = find(all_cases, lambda c: "nik_typo_copy" in c.planted)
    g = fo_grading.grade(c, dict(perfect(c), nik=c.documents["ktp"]["nik"]))
    (item,) = _one(g, "nik")
    assert not item["ok"] and item["rule"] == "rp.fb.nik.copy_typo"
    assert c.head["nik"] in item["message"] and "fotokopi KTP" in item["message"]
    assert g.score == pytest.approx(100 - 15)


def test_wrong_nik_shape_explained_with_check_nik(all_cases):
    c = all_cases["mudah"][0]
    bad = c.head["nik"][:6] + "99" + c.head["nik"][8:]  # day field 99: no date
    (item,) = _one(fo_grading.grade(c, dict(perfect(c), nik=bad)), "nik")
    assert not item["ok"] and item["rule"] == "pop.nik.birth_date"
    assert t("pop.nik.birth_date") in item["message"]


def test_missed_need(all_cases):
    c = find(all_cases, lambda c: len(c.needs) >= 2)
    missed = c.needs[-1]
    g = fo_grading.grade(c, dict(perfect(c), needs=c.needs[:-1]))
    bad = [i for i in g.items if not i["ok"]]
    assert [i["item"] for i in bad if i["item"].startswith("needs:")] == [f"needs:{missed}"]
    assert bad[0]["rule"] == "rp.fb.need.missed" and t(f"need.{missed}") in bad[0]["message"]
    assert g.score < 100


def test_extra_need_costs_too(all_cases):
    c = all_cases["mudah"][0]
    extra = next(n for n in rp.NEEDS if n not in c.needs)
    g = fo_grading.grade(c, dict(perfect(c), needs=c.needs + [extra]))
    (item,) = _one(g, f"needs:{extra}")
    assert not item["ok"] and item["rule"] == "rp.fb.need.extra" and g.score < 100


def test_wrong_programme_explained_by_the_rule(all_cases):
    c = find(all_cases, lambda c: rp.answer_key(c)["decision"] == "refer_bo"
             and not programs.check("RUTILAHU", c.household).eligible)
    answers = dict(perfect(c), programs=perfect(c)["programs"] + ["RUTILAHU"])
    g = fo_grading.grade(c, answers)
    (item,) = _one(g, "programs:RUTILAHU")
    v = programs.check("RUTILAHU", c.household)
    assert not item["ok"] and item["rule"] in v.reasons
    assert any(sentence in item["message"] for sentence in v.explain())
    assert g.score < 100


def test_missed_programme(all_cases):
    c = find(all_cases, lambda c: rp.answer_key(c)["decision"] == "refer_bo")
    p = rp.answer_key(c)["programs"][0]
    g = fo_grading.grade(c, dict(perfect(c), programs=[x for x in perfect(c)["programs"] if x != p]))
    (item,) = _one(g, f"programs:{p}")
    assert not item["ok"] and t(f"prog.{p}.name") in item["message"]


def test_already_pkh_not_proposed_again(all_cases):
    c = find(all_cases, lambda c: c.problem == "served" and rp.answer_key(c)["decision"] == "refer_bo")
    g = fo_grading.grade(c, dict(perfect(c), programs=perfect(c)["programs"] + ["PKH"]))
    (item,) = _one(g, "programs:PKH")
    assert not item["ok"] and item["rule"] == "rp.fb.prog.already_pkh"


def test_missed_fast_track(all_cases):
    c = find(all_cases, lambda c: c.household["vulnerable"])
    g = fo_grading.grade(c, dict(perfect(c), fast_track=False))
    (item,) = _one(g, "fast_track")
    assert not item["ok"] and item["rule"] == "rp.fb.fast.missed"
    vulnerable = [m["name"] for m in c.members if m["pregnant"] or m["disability"] != "none" or m["age"] >= 60]
    assert any(name in item["message"] for name in vulnerable)


def test_false_sktm_accepted(all_cases):
    c = find(all_cases, lambda c: c.problem == "false_sktm")
    # the trainee believes the SKTM: accepts it and refers the household to programmes
    believed = [p for p in programs.PROGRAMS if any(programs.refer(n, c.household).program == p for n in c.needs)]
    answers = dict(perfect(c), sktm="accept", decision="refer_bo", programs=believed)
    g = fo_grading.grade(c, answers)
    (sktm,) = _one(g, "sktm")
    assert not sktm["ok"] and sktm["rule"] == "rp.fb.sktm.false_accepted"
    assert f"desil {c.household['true_decile']}" in sktm["message"]
    (dec,) = _one(g, "decision")
    assert not dec["ok"] and "SKTM" in dec["message"]
    for p in believed:  # each programme is refused with the rule read at the verified decile
        (item,) = _one(g, f"programs:{p}")
        assert not item["ok"] and item["rule"].startswith("rule.decile_above")
    assert g.score <= 100 - (10 + 15) / 110 * 100 + 0.1


def test_deceased_member_listed(all_cases):
    c = find(all_cases, lambda c: c.deceased is not None)
    answers = dict(perfect(c), members=perfect(c)["members"] + "\n" + c.deceased["name"])
    (item,) = _one(fo_grading.grade(c, answers), "members")
    assert not item["ok"] and item["rule"] == "rp.fb.members.deceased" and c.deceased["name"] in item["message"]


def test_dtks_status_with_invalid_nik(all_cases):
    c = find(all_cases, lambda c: "dtks_nik_invalid" in c.planted)
    (item,) = _one(fo_grading.grade(c, dict(perfect(c), dtks="not_listed")), "dtks")
    assert not item["ok"] and item["rule"] == "rp.fb.dtks.nik_invalid"


def test_wrong_decision_dukcapil_first(all_cases):
    c = find(all_cases, lambda c: c.problem == "no_kk")
    g = fo_grading.grade(c, dict(perfect(c), decision="propose_dtks", programs=[]))
    (item,) = _one(g, "decision")
    assert not item["ok"] and item["rule"] in ("rule.documents_first", "rule.dukcapil.missing")
    assert t("rule.dukcapil.missing") in item["message"] or "Dukcapil" in item["message"]


def test_feedback_in_english(all_cases):
    i18n.set_language("en")
    c = all_cases["sedang"][0]
    g = fo_grading.grade(c, dict(perfect(c), needs=[]))
    assert any("was not recorded" in i["message"] for i in g.items)


def test_feedback_items_have_catalogue_rules(all_cases):
    for cs in all_cases.values():
        for c in cs:
            wrong = {"nik": "1", "kk": "", "head": "x", "members": "x", "address": "x", "category": "complaint",
                     "dtks": "listed", "needs": ["housing"], "fast_track": not c.household["vulnerable"],
                     "decision": "close_info", "programs": ["RUTILAHU", "PKH"], "sktm": "accept"}
            g = fo_grading.grade(c, wrong)
            assert 0 <= g.score < 60
            for item in g.items:
                assert set(item) >= {"item", "ok", "rule", "message"}
                if not item["ok"]:
                    assert item["rule"] and i18n.has(item["rule"]), item


# ------------------------------------------------------------------ form validation
def test_validate_nik_fifteen_digits(all_cases):
    c = all_cases["mudah"][0]
    answers = dict(perfect(c), nik=c.head["nik"][:15], kk="12345")
    errors = rp.validate(answers, c)
    assert set(errors) == {"nik", "kk"}
    assert errors["nik"] == t("rp.err.nik_digits", n=15)
    assert rp.validate({}, c).keys() >= {"nik", "head", "members", "address", "category", "dtks", "needs",
                                           "decision"}


# ------------------------------------------------------------------ the front-office widget (no browser)
def _widget_texts(widget) -> str:
    """Every string the widget tree would send to the browser."""
    out, todo = [], [widget]
    while todo:
        w = todo.pop()
        state = w.get_state()
        out.extend(str(v) for v in state.values() if isinstance(v, (str, list, tuple)))
        todo.extend(getattr(w, "children", ()))
    assert len(out) > 50  # the whole tree was walked
    return "\n".join(out)


@pytest.fixture
def fo(tmp_path):
    from slrt_sim.training.store import SessionStore
    from slrt_sim.apps.front_office import FrontOfficeApp

    store = SessionStore(tmp_path / "s.sqlite")
    store.create_class("W1", SEED, "sulit")
    return store, FrontOfficeApp


def test_fo_widget_flow_errors_and_resume(fo):
    store, App = fo
    app = App(store)
    assert not app.login("Ani", "W2") and "slrt-invalid" in app.code_in._dom_classes  # unknown class code
    assert not app.login("", "W1") and "slrt-invalid" in app.name_in._dom_classes
    assert app.login("Ani", "w1")
    case = app.case
    k = rp.answer_key(case)
    # before submitting, no widget carries the answer key's verdicts
    texts = _widget_texts(app.widget)
    for ref in k["referrals"].values():
        for v in ref.verdicts:
            for sentence in v.explain():
                assert sentence not in texts
    assert t("rp.fb.decision.ok", decision=t(f"rp.decision.{k['decision']}")) not in texts
    # a 15-digit NIK is marked, everything typed is kept, nothing is submitted
    good = perfect(case)
    app.set_form(dict(good, nik=good["nik"][:15]))
    assert app.submit() is None
    assert "slrt-invalid" in app.fields["nik"].widget._dom_classes
    assert t("rp.err.nik_digits", n=15) in app.fields["nik"].error.value
    assert app.fields["members"].widget.value == good["members"] and app.fields["needs"].widget.value == good["needs"]
    assert len(store.submissions("W1")) == 0
    app.fields["nik"].widget.value = good["nik"]       # corrected: the mark goes at once
    assert "slrt-invalid" not in app.fields["nik"].widget._dom_classes
    # the same trainee reloads before submitting: the form comes back
    again = App(store)
    assert again.login(" ani ", "W1")
    assert again.answers() == app.answers()
    grade = again.submit()
    assert grade.score == 100 and "slrt-score" in again.feedback.value
    row = store.submissions("W1").iloc[0]
    assert (row.trainee, row.case_id, row.score) == ("ani", case.case_id, 100.0)
    assert again.submit() is None and len(store.submissions("W1")) == 1  # no double submit
    again.next_case()
    assert again.state["case_index"] == 1 and again.fields["nik"].widget.value == ""
    third = App(store)
    third.login("Ani", "W1")
    assert third.case.case_id == rp.build_cases("W1", SEED, "sulit")[1].case_id


def test_fo_form_steps_are_kept_and_mistakes_counted_per_part(fo):
    """On a phone the form is three parts: the part a trainee is on survives a reload; a submit
    with mistakes counts them on each part's step button and opens the first such part."""
    store, App = fo
    app = App(store)
    assert app.login("Citra", "W1") and app.steps.current == 0
    app.steps.go(2)
    again = App(store)
    assert again.login("Citra", "W1") and again.steps.current == 2
    good = perfect(again.case)
    # part 1: a 15-digit NIK and no address; part 2: no category; part 3: right
    again.set_form(dict(good, nik=good["nik"][:15], address="", category=None))
    assert again.submit() is None
    assert again.steps.current == 0
    labels = [b.description for b in again.steps.buttons]
    assert labels[0].endswith("⚠2") and labels[1].endswith("⚠1") and "⚠" not in labels[2]
    again.fields["nik"].widget.value = good["nik"]      # one corrected: the count falls at once
    assert again.steps.buttons[0].description.endswith("⚠1")


def test_fo_widget_dtks_search_and_practice_class(fo):
    store, App = fo
    app = App(store)
    assert app.login("Budi", "latihan")  # the practice class needs no trainer
    c = next(c for c in app.cases if c.household["in_dtks"] and "dtks_nik_invalid" not in c.planted)
    app.q_nik.value = c.head["nik"]
    found = app.search()
    assert found and c.head["nik"] in app.results.value
    app.q_nik.value, app.q_name.value = "", ""
    assert app.search() == [] and t("rp.fo.dtks.empty_query") in app.results.value


def test_validate_says_what_is_wrong_with_a_nik_and_that_needs_take_several():
    errors = rp.validate({"nik": "33750123O0420001", "kk": "3375-01", "needs": []})
    assert errors["nik"] == t("rp.err.nik_chars", chars='"O"')
    assert errors["kk"] == t("rp.err.kk_chars", chars='"-"')
    assert errors["needs"] == t("rp.err.choose_many") == "Pilih satu atau lebih."
