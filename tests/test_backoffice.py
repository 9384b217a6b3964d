"""Back-office role play: the queue, the answer key from slrt_sim.domain.programs, grading, letters, the app."""
from __future__ import annotations

import copy

import pytest

from slrt_sim.training import letters
from slrt_sim.training import bo_grading
from slrt_sim.training import back_office as bo
from slrt_sim.domain import programs
from slrt_sim.i18n import t
from slrt_sim.training.store import SessionStore


@pytest.fixture(scope="module")
def sedang():
    return bo.build_queue("UJI-0", 2018, "sedang")


@pytest.fixture(scope="module")
def sulit():
    return bo.build_queue("UJI-0", 2018, "sulit")


def _case(queue, problem):
    return next(c for c in queue.cases if c.problem == problem)


def _items(g, case_id, section=None):
    return [i for i in g.items if i["item"].startswith(case_id + " ") and (section is None or i["section"] == section)]


# ----------------------------------------------------------------------------- the queue
@pytest.mark.parametrize("level", bo.LEVELS)
def test_same_class_same_queue_and_consistency_check_key_scores_full_marks(level):
    """Consistency check only (the key graded against itself); correctness: tests/test_golden.py."""
    a = bo.build_queue("kelas a", 7, level)
    b = bo.build_queue("KELAS A", 7, level)
    assert [c.registration for c in a.cases] == [c.registration for c in b.cases]
    assert a.quota == b.quota and len(a.cases) == bo.LEVEL_SPEC[level]["n"]
    g = bo_grading.grade(a, bo.answer_key(a), started_at=0, submitted_at=60)
    assert g.score == g.max_score > 0
    assert all(i["ok"] for i in g.items)
    assert g.letters(), "a perfect answer issues referral letters"


def test_different_class_or_seed_gives_another_queue():
    base = [c.hh for c in bo.build_queue("A1", 7, "sedang").cases]
    assert [c.hh for c in bo.build_queue("A2", 7, "sedang").cases] != base
    assert [c.hh for c in bo.build_queue("A1", 8, "sedang").cases] != base


def test_the_queue_is_the_front_office_class(sedang):
    from slrt_sim.training import front_office as roleplay

    fo = roleplay.build_cases(sedang.class_code, sedang.seed, sedang.level, n=bo.CASE_POOL)
    mine = [c for c in sedang.cases if c.problem != "duplicate"]
    by_hh = {c.hh: k for k, c in enumerate(fo)}
    order = [by_hh[c.hh] for c in mine]
    assert order == sorted(order)  # front-office households, in the front office's order
    assert [c.registration["ref"] for c in mine] == [fo[k].case_id for k in order]
    assert [c.registration["story"] for c in mine] == [fo[k].story for k in order]
    sktm = _case(sedang, "false_sktm")
    assert fo[by_hh[sktm.hh]].problem == "false_sktm"


@pytest.mark.parametrize("level", bo.LEVELS)
@pytest.mark.parametrize("code", ["UJI-0", "KELAS-B", "X9"])
def test_every_class_queue_has_exactly_the_level_mix(level, code):
    """LEVEL_SPEC's problem mix holds on the app path for any class code (no searching for a code)."""
    q = bo.build_queue(code, 2018, level)
    assert sorted(c.problem for c in q.cases) == sorted(bo.plan_problems(level))


def test_levels_plant_the_problems(sedang, sulit):
    for level in bo.LEVELS:
        q = bo.build_queue("UJI-0", 2018, level)
        assert len(q.cases) == bo.LEVEL_SPEC[level]["n"]
        assert sum(c.problem == "duplicate" for c in q.cases) == bo.LEVEL_SPEC[level]["problems"].count("duplicate")
    assert {c.problem for c in sulit.cases} >= {"stale", "no_docs", "false_sktm", "duplicate"}
    dup = _case(sedang, "duplicate")
    orig = sedang.case(dup.duplicate_of)
    assert dup.registration["kk"] == orig.registration["kk"] and dup.case_id > orig.case_id
    # some quota binds: more right-eligible households than places
    assert any(v < sum(1 for (_c, _n), p in bo.right_referrals(sedang).items() if p == k) + 1
               for k, v in sedang.quota.items())


def test_decisions_are_programs_check_on_the_effective_profile(sulit):
    for c in sulit.cases:
        if c.problem == "duplicate":
            continue
        prof = bo.effective_profile(c)
        for p in c.candidates:
            right, v = bo.decision(c, p)
            assert v == programs.check(p, prof)
            assert right == (v.eligible and not programs.already_receives(prof, p))


def test_dtks_search_shows_the_planted_problems(sedang):
    typo = _case(sedang, "nik_typo")
    assert bo.dtks_search(sedang, nik=typo.registration["nik"]) == []
    found = [r for r in bo.dtks_search(sedang, name=typo.head_name) if r["kk"] == typo.registration["kk"]]
    assert found and all(r["nik"] != typo.registration["nik"] for r in found)
    assert sum(a != b for a, b in zip(found[0]["nik"], typo.registration["nik"])) == 1
    assert bo.dtks_search(sedang, nik=_case(sedang, "not_listed").registration["nik"]) == []
    sktm = bo.dtks_search(sedang, nik=_case(sedang, "false_sktm").registration["nik"])
    assert sktm and sktm[0]["decile"] <= 3 and "SKTM" in " ".join(_case(sedang, "false_sktm").registration["documents"])


# ----------------------------------------------------------------------------- mistakes caught
def test_wrong_programme_is_caught_and_explained(sedang):
    key = bo.answer_key(sedang)
    ans = copy.deepcopy(key)
    # a case with a right referral: mark its referred programme not eligible, and another one eligible
    (cid, need), prog = next(((k, p) for k, p in bo.right_referrals(sedang).items() if p and p != "DUKCAPIL"))
    ans["cases"][cid]["decisions"][prog] = False
    others = [p for p in sedang.case(cid).candidates if p != prog and not key["cases"][cid]["decisions"][p]]
    for p in others:
        ans["cases"][cid]["decisions"][p] = True
    g = bo_grading.grade(sedang, ans, 0, 60)
    assert g.score < g.max_score
    dec = {i["item"].split(" · ")[-1]: i for i in _items(g, cid, "decision")}
    wrong = dec[t(f"prog.{prog}.name")]
    assert not wrong["ok"] and "eksklusi" in wrong["message"]
    c = sedang.case(cid)
    for sentence in programs.check(prog, bo.effective_profile(c)).explain():
        assert sentence in wrong["message"]
    assert wrong["rule"] in programs.check(prog, bo.effective_profile(c)).reasons
    ref = [i for i in _items(g, cid, "referral") if t(f"need.{need}") in i["item"]]
    assert ref and not ref[0]["ok"]
    for p in others:
        inc = dec[t(f"prog.{p}.name")]
        assert not inc["ok"] and "inklusi" in inc["message"] and inc["rule"].startswith(("rule.", "bo.rule."))


def test_false_sktm_accepted_is_caught(sedang):
    c = _case(sedang, "false_sktm")
    ans = bo.answer_key(sedang)
    ans["cases"][c.case_id].update(verval=False, decisions={p: True for p in c.candidates}, priority=1)
    g = bo_grading.grade(sedang, ans, 0, 60)
    verval = _items(g, c.case_id, "verval")[0]
    assert not verval["ok"] and verval["rule"] == "bo.rule.verval_sktm"
    assert t("bo.rule.verval_sktm") in verval["message"]
    decisions = _items(g, c.case_id, "decision")
    assert decisions and all(not i["ok"] for i in decisions)
    assert all("inklusi" in i["message"] for i in decisions)
    assert any(i["rule"].startswith("rule.decile_above") for i in decisions)
    refs = _items(g, c.case_id, "referral")
    assert refs and not all(i["ok"] for i in refs), "the false SKTM household got a letter"
    assert any(cid == c.case_id for cid, _p in g.letters())  # the trainee referred it ...
    assert not any(cid == c.case_id for cid, _p in g.valid_letters())  # ... but no letter is printed


def test_quota_order_wrong_is_caught(sedang):
    key = bo.answer_key(sedang)
    pri = bo.right_priority(sedang)
    ans = copy.deepcopy(key)
    for k, cid in enumerate(reversed(pri)):  # least vulnerable first
        ans["cases"][cid]["priority"] = k + 1
    g = bo_grading.grade(sedang, ans, 0, 60)
    prio = [i for i in g.items if i["section"] == "priority"][0]
    assert not prio["ok"] and prio["rule"] == "bo.rule.priority" and prio["points"] < prio["max_points"]
    assert ", ".join(pri) in prio["message"]
    quota_misses = [i for i in g.items if i["section"] == "referral" and not i["ok"]]
    assert quota_misses, "a binding quota went to the wrong households"
    assert {i["rule"] for i in quota_misses} & {"bo.rule.quota", "bo.rule.quota_priority"}


def test_missed_verval_on_a_stale_record_is_caught(sulit):
    c = _case(sulit, "stale")
    assert c.profile["dtks_year"] < c.start_year - bo.STALE_YEARS
    ans = bo.answer_key(sulit)
    ans["cases"][c.case_id]["verval"] = False
    g = bo_grading.grade(sulit, ans, 0, 60)
    item = _items(g, c.case_id, "verval")[0]
    assert not item["ok"] and item["rule"] == "bo.rule.verval_stale"
    assert "verval" in item["message"].lower() and str(bo.STALE_YEARS) in item["message"]
    assert g.score == g.max_score - 1


def test_unneeded_verval_and_duplicate_referral_are_caught(sedang):
    key = bo.answer_key(sedang)
    clean = _case(sedang, "clean")
    dup = _case(sedang, "duplicate")
    ans = copy.deepcopy(key)
    ans["cases"][clean.case_id]["verval"] = True
    ans["cases"][dup.case_id].update(status="match", decisions={p: True for p in dup.candidates}, priority=1)
    g = bo_grading.grade(sedang, ans, 0, 60)
    assert not _items(g, clean.case_id, "verval")[0]["ok"]
    st = _items(g, dup.case_id, "status")[0]
    assert not st["ok"] and st["rule"] == "bo.rule.duplicate" and dup.duplicate_of in st["message"]
    assert any(not i["ok"] and i["rule"] == "bo.rule.duplicate" for i in _items(g, dup.case_id, "referral"))


def test_nik_typo_status(sedang):
    c = _case(sedang, "nik_typo")
    ans = bo.answer_key(sedang)
    ans["cases"][c.case_id]["status"] = "not_listed"
    g = bo_grading.grade(sedang, ans, 0, 60)
    item = _items(g, c.case_id, "status")[0]
    assert not item["ok"] and item["rule"] == "bo.rule.nik_error"


def test_time_points(sedang):
    key = bo.answer_key(sedang)
    target = bo.TARGET_MINUTES["sedang"] * 60
    full = bo_grading.grade(sedang, key, 0, target).score
    assert bo_grading.grade(sedang, key, 0, target * 1.5).score == full - bo.TIME_POINTS / 2
    assert bo_grading.grade(sedang, key, 0, target * 3).score == full - bo.TIME_POINTS


def test_feedback_items_fit_the_store(sedang):
    g = bo_grading.grade(sedang, bo.empty_answers(sedang), 0, 60)
    for i in g.items:
        assert {"item", "ok", "rule", "message"} <= set(i)
        assert i["rule"] is None or i["rule"].startswith(("rule.", "bo.rule."))
        assert i["message"]
    assert 0 <= g.score < g.max_score


# ----------------------------------------------------------------------------- the letter
def test_referral_letter(sedang):
    g = bo_grading.grade(sedang, bo.answer_key(sedang), 0, 60)
    cid, prog = g.letters()[0]
    import datetime as dt

    page = letters.letter_html(sedang, cid, prog, 3, dt.date(2025, 3, 4), standalone=True)
    assert "PEMERINTAH KOTA PEKALONGAN" in page and "DINAS SOSIAL" in page
    assert f"460/003/SLRT-{sedang.class_code}/III/2025" in page and "4 Maret 2025" in page
    assert sedang.case(cid).head_name in page and t(f"prog.{prog}.name", lang="id") in page
    for sentence in programs.check(prog, bo.effective_profile(sedang.case(cid))).explain("id"):
        assert sentence in page
    assert "@media print" in page and "<script" not in page


# ----------------------------------------------------------------------------- the app (headless)
def test_app_login_progress_reload_and_submission(tmp_path):
    from slrt_sim.apps.back_office import BackOfficeApp

    store = SessionStore(tmp_path / "s.sqlite")
    app = BackOfficeApp(store)
    app.name.value, app.code.value = "Siti", "TIDAKADA"
    app._on_start()
    assert "TIDAKADA" in app.login_box.f_code.error.value and not app.main.children
    store.create_class("KLS-1", 11, "mudah")
    app.code.value = "kls-1"
    app._on_start()
    p = app.panels[0]
    p._on_check()
    p.status.value = "match"
    p._on_verval()
    p.priority.value = 2
    saved = store.load_progress("siti", "KLS-1", "bo")
    assert saved["answers"]["cases"][p.case.case_id] == {**p.answers()}
    again = BackOfficeApp(store)
    again.name.value, again.code.value = " siti ", "KLS-1"
    again._on_start()
    q = again.panels[0]
    assert q.status.value == "match" and q.priority.value == 2 and q.verval_btn.disabled and q.check_out.value
    result = again.submit_answers(bo.answer_key(again.queue))
    assert result["score"] == result["max_score"]
    sub = store.submissions("KLS-1")
    assert list(sub["app"]) == ["bo"] and sub["score"].iloc[0] == result["score"]
    third = BackOfficeApp(store)
    third.name.value, third.code.value = "Siti", "KLS-1"
    third._on_start()
    assert third.submit.disabled and third.result.children  # the feedback is shown again


def test_practice_class_without_store_entry(tmp_path):
    assert bo.resolve_class("latihan", SessionStore(tmp_path / "s.sqlite"))["seed"] == bo.PRACTICE_CLASS["seed"]
    assert bo.resolve_class("nope", SessionStore(tmp_path / "s.sqlite")) is None


def test_an_empty_submission_scores_nothing(sedang):
    """Untouched registrations earn no points for "no verval" or "no referral", nor for speed."""
    g = bo_grading.grade(sedang, bo.empty_answers(sedang), 0, 60)
    assert g.score == 0 and g.max_score > 0
    key = bo.answer_key(sedang)
    assert bo_grading.grade(sedang, key, 0, 60).score == g.max_score


def test_only_right_referrals_get_a_letter(sedang):
    key = bo.answer_key(sedang)
    g = bo_grading.grade(sedang, key, 0, 60)
    assert g.valid_letters() == g.letters()  # every letter of the perfect answer is printed
