"""Trainer dashboard logic: PIN, aggregates from a store with submissions, export, discussion."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from slrt_sim.training import bo_grading
from slrt_sim.training import back_office as bo
from slrt_sim.training import dashboard as dash
from slrt_sim.training.store import SessionStore


@pytest.fixture
def store(tmp_path):
    s = SessionStore(tmp_path / "s.sqlite")
    s.create_class("KLS-D", 4, "sedang", trainer="Bu Rina")
    q = bo.build_queue("KLS-D", 4, "sedang")
    for name, answers, minutes in (("Siti", bo.answer_key(q), 10), ("Budi", bo.empty_answers(q), 30),
                                   ("Ani", bo.answer_key(q), 80)):
        g = bo_grading.grade(q, answers, 1000.0, 1000.0 + 60 * minutes)
        s.save_submission(trainee=name, class_code="KLS-D", app="bo", case_id="ANTREAN", answers=answers,
                          score=g.score, max_score=g.max_score,
                          feedback=[{k: i[k] for k in ("item", "ok", "rule", "message")} for i in g.items],
                          started_at=1000.0, submitted_at=1000.0 + 60 * minutes)
    s.save_submission(trainee="Joko", class_code="OTHER", app="bo", case_id="X", answers={}, score=1,
                      max_score=2, feedback=[], started_at=0, submitted_at=1)
    return s


def test_pin(monkeypatch):
    monkeypatch.setenv("SLRT_TRAINER_PIN", "4321")
    assert dash.check_pin("4321") == "ok"
    assert dash.check_pin(" 4321 ") == "ok"
    assert dash.check_pin("1234") == "wrong"
    assert dash.check_pin("") == "wrong"
    monkeypatch.delenv("SLRT_TRAINER_PIN")
    assert dash.check_pin("4321") == "unset"
    assert dash.check_pin("") == "unset"


def test_results_summary_and_mistakes(store):
    df = dash.results(store, "kls-d")
    assert list(df["trainee"]) == ["Siti", "Budi", "Ani"]
    assert df["pct"].iloc[0] == 100.0 and df["pct"].iloc[1] < 50
    assert list(df["minutes"]) == [10.0, 30.0, 80.0]
    s = dash.summary(df)
    assert s["n"] == 3 and s["trainees"] == 3 and 90 < s["median"] < 100  # Ani lost the time points
    mis = dash.mistakes_by_rule(store, "KLS-D")
    assert not mis.empty and list(mis["count"]) == sorted(mis["count"], reverse=True)
    assert mis["count"].sum() == sum(
        1 for fb in store.submissions("KLS-D")["feedback"] for i in json.loads(fb) if not i["ok"])
    assert "bo.rule.time" in set(mis["rule"])  # Ani and Budi were slow
    row = mis[mis["rule"] == "bo.rule.time"].iloc[0]
    assert row["trainees"] == 2 and row["text"].startswith("Waktu layanan")
    assert dash.fingerprint(store, "KLS-D")[0] == 3


def test_histogram_and_exports(store):
    df = dash.results(store, "KLS-D")
    png = dash.score_histogram_png(df, "KLS-D")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert dash.score_histogram_png(dash.results(store, "EMPTY"), "EMPTY")[:4] == b"\x89PNG"
    # CSV for Excel with Indonesian settings: ";" between fields, "," as the decimal mark, Indonesian headers
    csv = dash.export_csv(df, lang="id")
    text = csv.decode("utf-8-sig")
    assert text.splitlines()[0] == "Peserta;Aplikasi;Kasus;Skor;Maks;Skor (%);Menit;Waktu kirim"
    back = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", sep=";", decimal=",")
    assert back["Peserta"].tolist() == ["Siti", "Budi", "Ani"] and back["Menit"].tolist() == [10.0, 30.0, 80.0]
    assert set(back["Aplikasi"]) <= {"Front office", "Back office"}
    assert ";96,4;" in text and back["Skor (%)"].tolist()[2] == 96.4  # Ani: 54 of 56 points
    en = dash.export_csv(df, lang="en").decode("utf-8-sig")
    assert en.splitlines()[0] == "Trainee,App,Case,Score,Max,Score (%),Minutes,Submitted"
    # the Excel file: results, mistakes by rule (the rule's sentence, never its code key), per-trainee items
    items = dash.item_mistakes(store, "KLS-D")
    xlsx = dash.export_xlsx(df, dash.mistakes_by_rule(store, "KLS-D"), items, lang="id")
    sheets = pd.read_excel(io.BytesIO(xlsx), sheet_name=None)
    assert set(sheets) == {"hasil", "kesalahan", "kesalahan_per_peserta"} and len(sheets["hasil"]) == 3
    assert list(sheets["kesalahan"].columns) == ["Aturan", "Jumlah", "Peserta"]
    assert not sheets["kesalahan"]["Aturan"].astype(str).str.contains(r"^(?:bo|rp|rule)\.", regex=True).any()
    per = sheets["kesalahan_per_peserta"]
    assert list(per.columns) == ["Peserta", "Aplikasi", "Kasus", "Butir", "Aturan", "Umpan balik"]
    wrong = {(row.trainee, i["item"]) for row in store.submissions("KLS-D").itertuples()
             for i in json.loads(row.feedback) if not i["ok"]}
    assert set(zip(per["Peserta"], per["Butir"])) == wrong and len(per) == len(items)
    assert "Siti" not in set(per["Peserta"])  # full marks: nothing to follow up
    en_sheets = pd.read_excel(io.BytesIO(dash.export_xlsx(df, None, items, lang="en")), sheet_name=None)
    assert set(en_sheets) == {"results", "mistakes_per_trainee"} and "Trainee" in en_sheets["results"].columns
    link = dash.download_link(csv, "a.csv", "text/csv", "Unduh CSV")
    assert 'download="a.csv"' in link and 'href="data:text/csv;base64,' in link


def test_discussion_shows_story_and_right_answer(store):
    q = dash.bo_cases(store.get_class("KLS-D"))
    c = next(c for c in q.cases if c.problem == "false_sktm")
    page = dash.bo_discussion_html(q, c.case_id)
    assert c.registration["story"].split(".")[0] in page
    assert "SKTM" in page
    for p in c.candidates:
        for sentence in bo.decision(c, p)[1].explain():
            assert sentence in page


def test_dashboard_widget_gate(store, monkeypatch):
    from slrt_sim.apps.dashboard import Dashboard

    monkeypatch.delenv("SLRT_TRAINER_PIN", raising=False)
    d = Dashboard(store)
    d.pin.value = "4321"
    d._on_pin()
    assert "SLRT_TRAINER_PIN" in d.pin_msg.value and not d.main.children
    monkeypatch.setenv("SLRT_TRAINER_PIN", "4321")
    d.pin.value = "0000"
    d._on_pin()
    assert "salah" in d.pin_msg.value and not d.main.children
    d.pin.value = "4321"
    d._on_pin()
    assert d.main.children and d.gate.layout.display == "none"
    d.choose.value = "KLS-D"
    assert "Siti" in d.live_html.value and "data:image/png;base64," in d.plot.value
    assert "slrt-dl-xlsx" in d.export.value and "slrt-dl-csv" in d.export.value
    assert d.disc_case.options and d.disc_html.value
    assert d.refresh() is False  # nothing new: no redraw
    d.code.value, d.seed.value, d.level.value = "baru-1", 9, "mudah"
    d._on_create()
    assert store.get_class("BARU-1")["seed"] == 9 and d.choose.value == "BARU-1"


# ------------------------------------------------------------------ hall and dashboard fixes
def _false_sktm_case_with_raw_referral():
    """A false-SKTM case whose raw record (poor decile) would give a referral the grader marks wrong."""
    from slrt_sim.domain import programs
    from slrt_sim.training import front_office as fo

    for code in ("DISK-1", "DISK-2", "DISK-3"):
        for c in fo.build_cases(code, 2018, "sulit"):
            if c.problem == "false_sktm" and any(programs.refer(n, c.household).program for n in c.needs):
                return c
    raise AssertionError("no false SKTM case in the test classes")


def test_fo_discussion_refers_with_the_verval_corrected_profile():
    from slrt_sim.domain import programs
    from slrt_sim.i18n import t as tr
    from slrt_sim.training import front_office as fo
    from slrt_sim.training.core import document_lines

    c = _false_sktm_case_with_raw_referral()
    page = dash.fo_discussion_html(c)
    for need in c.needs:
        raw = programs.refer(need, c.household).program
        if raw and raw not in fo.answer_key(c)["programs"]:
            wrong = tr("bo.fb.referral.to", need=tr(f"need.{need}"), program=tr(f"prog.{raw}.name"))
            assert wrong not in page  # the raw record's referral is not taught
    assert tr("rp.decision.close_info") in page and tr("rp.fb.decision.sktm_basis") in page
    for line in document_lines(c.documents):
        assert line in page
    assert "<li>ktp</li>" not in page and "<li>sktm</li>" not in page


def test_rule_text_fills_every_placeholder_of_every_rule_key():
    from slrt_sim.i18n import catalogue

    for key in catalogue():
        if key.startswith(("rp.fb.", "rule.", "bo.rule.", "pop.nik.")):
            text = dash.rule_text(key)
            assert "{" not in text, key


def _fo_submit(store, name, case, answers):
    from slrt_sim.training import fo_grading

    g = fo_grading.grade(case, answers)
    store.save_submission(trainee=name, class_code="KLS-D", app="fo", case_id=case.case_id, answers=answers,
                          score=g.score, max_score=g.max_score,
                          feedback=[{k: i[k] for k in ("item", "ok", "rule", "message")} for i in g.items],
                          started_at=0.0, submitted_at=60.0)
    return g


def test_every_kind_of_mistake_then_every_section_filled_and_exported(store):
    """Every FO form field wrong (and the BO ones already in the fixture), then the dashboard."""
    from slrt_sim.training import front_office as fo

    rules = set()
    for c in fo.build_cases("KLS-D", 4, "sedang")[:4]:
        bad = {"nik": "1234", "kk": "9" * 16, "head": "Nobody", "members": "Nobody", "address": "nowhere",
               "category": "complaint", "dtks": "listed" if not c.household["in_dtks"] else "not_listed",
               "needs": ["housing", "care"], "fast_track": not c.household["vulnerable"],
               "decision": "propose_dtks", "programs": ["KUBE", "ATENSI"], "sktm": "accept"}
        g = _fo_submit(store, "Rudi", c, bad)
        rules |= {i["item"].split(":")[0] for i in g.mistakes}
    assert {"nik", "kk", "head", "members", "address", "category", "dtks", "needs", "decision",
            "programs"} <= rules
    parts = dash.sections(store, "KLS-D")
    assert set(parts) == {"live", "plot", "mistakes", "debrief", "export"}
    assert parts.pop("debrief") == ""  # the class played no live game
    for name, html_text in parts.items():
        assert html_text and "slrt-section-error" not in html_text, name
    assert "Rudi" in parts["live"] and "data:image/png" in parts["plot"]
    assert "{" not in parts["mistakes"] and "slrt-dl-csv" in parts["export"] and "slrt-dl-xlsx" in parts["export"]
    mis = dash.mistakes_by_rule(store, "KLS-D")
    sheets = pd.read_excel(io.BytesIO(dash.export_xlsx(dash.results(store, "KLS-D"), mis)), sheet_name=None)
    assert len(sheets["kesalahan"]) == len(mis) > 10


def test_one_failing_section_leaves_the_others(store, monkeypatch):
    def broken(_df, _code):
        raise RuntimeError("plot broke")

    monkeypatch.setattr(dash, "plot_html", broken)
    parts = dash.sections(store, "KLS-D")
    assert "slrt-section-error" in parts["plot"]
    assert "Siti" in parts["live"] and "slrt-dl-csv" in parts["export"] and "<table" in parts["mistakes"]


def test_exports_neutralise_formulas(store):
    for name in ("=HYPERLINK(\"http://x\",\"klik\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"):
        store.save_submission(trainee=name, class_code="KLS-D", app="bo", case_id="X", answers={}, score=1,
                              max_score=2, feedback=[], started_at=0, submitted_at=1)
    df = dash.results(store, "KLS-D")
    csv = pd.read_csv(io.BytesIO(dash.export_csv(df, lang="id")), encoding="utf-8-sig", keep_default_na=False,
                      sep=";")
    xlsx = pd.read_excel(io.BytesIO(dash.export_xlsx(df, lang="id")), sheet_name=None)["hasil"]
    for col in (csv["Peserta"], xlsx["Peserta"]):
        assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in col)
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in list(xlsx["Peserta"])
    assert dash.neutralise(-3) == -3 and dash.neutralise("Siti") == "Siti"


def test_pin_failures_throttled_server_wide_and_logged(tmp_path, caplog):
    a, b = SessionStore(tmp_path / "p.sqlite"), SessionStore(tmp_path / "p.sqlite")  # two kernels
    now = 1000.0
    for k in range(dash.FREE_FAILURES):
        assert dash.check_pin("000000", "123456", store=a if k % 2 else b, now=now) == "wrong"
    assert a.pin_failures()[0] == dash.FREE_FAILURES
    assert "wrong attempt" in caplog.text
    # the sixth failure must wait 1 s, the seventh 2 s ... even with the right PIN
    assert dash.check_pin("000000", "123456", store=b, now=now + 0.5) == "wait"
    assert dash.check_pin("123456", "123456", store=a, now=now + 0.5) == "wait"
    assert dash.check_pin("000000", "123456", store=a, now=now + 1.1) == "wrong"
    assert dash.pin_wait(b, now=now + 1.2) == pytest.approx(0.9 + 1.0, abs=0.01)
    assert dash.check_pin("123456", "123456", store=b, now=now + 3.2) == "ok"
    assert a.pin_failures()[0] == 0
    for k in range(dash.LOCK_FAILURES):
        a.record_pin_failure(now)
    assert dash.pin_wait(b, now=now + 60) == pytest.approx(dash.LOCK_SECONDS - 60)
