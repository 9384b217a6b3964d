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
    csv = dash.export_csv(df)
    assert pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")["trainee"].tolist() == ["Siti", "Budi", "Ani"]
    xlsx = dash.export_xlsx(df, dash.mistakes_by_rule(store, "KLS-D"))
    sheets = pd.read_excel(io.BytesIO(xlsx), sheet_name=None)
    assert set(sheets) == {"hasil", "kesalahan"} and len(sheets["hasil"]) == 3
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
