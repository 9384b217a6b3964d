"""The home-visit practice in the trainer's dashboard: its statistics, each trainee's progress and
the class's home visits (what the recordings did to the DTKS), with answers written by hand."""
from __future__ import annotations

import math

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import dashboard as dash
from slrt_sim.training import home_visit as hv
from slrt_sim.training import hv_class
from slrt_sim.training.store import SessionStore

CODE, SEED, LEVEL = "KLS-HV", 2018, "sedang"
# by hand from domain/welfare.py: every indicator at its richest and every asset: 0 points - 7 = -7,
# decile 8 + 7 = 15, kept at 10 (not listed)
RICH = {"floor": "keramik", "wall": "tembok", "roof": "genteng", "owns_land": "yes", "work": "steady", "size": "1",
        "assets": ["motorbike", "fridge", "savings", "car"]}
# earth 3 + bamboo 3 + thatch 2 + no land 1 + no work 3 + 7 people 3 = 15 points: decile 8 - 15 -> 1 (listed)
POOR = {"floor": "tanah", "wall": "bambu", "roof": "rumbia", "owns_land": "no", "work": "none", "size": "7",
        "assets": []}


@pytest.fixture(scope="module")
def cases():
    return hv.build_cases(CODE, SEED, LEVEL)


@pytest.fixture
def store(tmp_path, cases):
    s = SessionStore(tmp_path / "s.sqlite")
    s.create_class(CODE, SEED, LEVEL)
    assert (cases[0].kind, cases[1].kind) == ("proposal", "sktm")
    subs = (("Sari", 0, hv.answer_key(cases[0])), ("Sari", 1, hv.answer_key(cases[1])),
            ("Rudi", 0, RICH), ("Rudi", 1, POOR))
    for name, i, answers in subs:
        g = hv.grade(cases[i], answers)
        s.save_submission(trainee=name, class_code=CODE, app="hv", case_id=cases[i].case_id, answers=answers,
                          score=g.score, max_score=g.max_score, started_at=0.0, submitted_at=60.0,
                          feedback=[{k: i[k] for k in ("item", "ok", "rule", "message")} for i in g.items])
    return s


def test_the_rich_and_poor_recordings_are_the_deciles_written_by_hand():
    assert hv_class.recorded_decile(RICH) == 10 and hv_class.recorded_decile(POOR) == 1
    assert hv_class.recorded_decile({**RICH, "size": ""}) is None  # an incomplete form counts nowhere


def test_the_class_s_home_visits_against_the_truth(store, cases):
    subs = hv_class.submissions_from_store(store, CODE)
    assert set(subs) == {"Sari", "Rudi"} and set(subs["Rudi"]) == {0, 1}
    view = hv_class.class_view(CODE, SEED, LEVEL, subs, runs=False)
    by = {r.trainee: r.figures for r in view["trainees"]}
    assert view["cases_in"] == 4
    assert (by["Sari"]["right_decile"], by["Sari"]["exclusion"], by["Sari"]["inclusion"], by["Sari"]["decile_gap"]) \
        == (2, 0, 0, 0)
    # the poor household proposed for the DTKS recorded as rich: left out; the better-off SKTM holder
    # recorded as poor: kept in
    key0, key1 = (hv.consequence(c, 1)["key_decile"] for c in cases[:2])
    assert (by["Rudi"]["right_decile"], by["Rudi"]["exclusion"], by["Rudi"]["inclusion"]) == (0, 1, 1)
    assert by["Rudi"]["decile_gap"] == (10 - key0) + abs(1 - key1)
    assert view["class"]["exclusion"] == 1 and view["class"]["inclusion"] == 1 and view["class"]["cases"] == 4


@pytest.mark.slow
def test_the_key_s_recordings_meet_the_key_s_needs(store):
    subs = hv_class.submissions_from_store(store, CODE)
    view = hv_class.class_view(CODE, SEED, LEVEL, {"Sari": subs["Sari"]})
    f = view["trainees"][0].figures
    assert f["needs_met"] == f["needs_met_key"]  # the same recordings, the same seed: the same run


def test_the_dashboard_counts_the_home_visits_apart(store, cases):
    df = dash.results(store, CODE)
    a = dash.app_summary(df, "hv")
    assert (a["n"], a["trainees"]) == (4, 2)
    prog = dash.progress(df).set_index("trainee")
    assert prog.loc["Sari", "hv_cases"] == 2 and prog.loc["Sari", "hv_pct"] == 100.0
    rudi = [hv.grade(cases[0], RICH), hv.grade(cases[1], POOR)]
    expected = sum(round(100 * g.score / g.max_score, 1) for g in rudi) / 2
    assert prog.loc["Rudi", "hv_pct"] == pytest.approx(expected) and math.isnan(prog.loc["Rudi", "fo_pct"])


def test_every_section_and_export_reads_the_home_visits(store):
    parts = dash.sections(store, CODE)
    assert all("slrt-section-error" not in v for v in parts.values())
    mis = dash.mistakes_by_rule(store, CODE)
    assert "{" not in parts["mistakes"] and len(mis) > 0  # Rudi's wrong items, each rule's sentence filled
    items = dash.item_mistakes(store, CODE)
    assert set(items["trainee"]) == {"Rudi"} and set(items["app"]) == {"hv"}


def test_the_dashboard_widget_shows_the_home_visit(store, cases, monkeypatch):
    from slrt_sim.apps import dashboard_hv
    from slrt_sim.apps.dashboard import Dashboard

    monkeypatch.setenv("SLRT_TRAINER_PIN", "4321")
    d = Dashboard(store)
    d.pin.value = "4321"
    d._on_pin()
    d.choose.value = CODE
    assert "slrt-stat-hv" in d.live_html.value and t("dash.col.hv_cases") in d.live_html.value
    assert [v for _, v in d.switch.options] == ["fo", "bo", "hv"]
    html = dashboard_hv.class_html(store.get_class(CODE), hv_class.submissions_from_store(store, CODE), runs=False)
    assert t("hv.class.title") in html and "Rudi" in html and "data-metric='hv-exclusion'" in html
    assert "1/4" in html  # one exclusion of four visits
    d.disc_app.value = "hv"  # the discussion of a home visit: the story, then the right recording
    assert [v for _, v in d.disc_case.options] == [c.case_id for c in cases]
    d.disc_case.value = cases[1].case_id
    key_decile = hv.consequence(cases[1], 1)["key_decile"]
    assert hv.story(cases[1])[0] in d.disc_html.value.replace("&quot;", '"').replace("&#x27;", "'")
    assert t("hv.dtks.key", decile=key_decile, listed=t("hv.dtks.not_listed")) in d.disc_html.value
    assert "slrt-section-error" not in d.disc_html.value
    d.tabs.selected_index = 4  # the class's kelurahan: the front office's view, then the home visits'
    assert t("hv.class.title") in d.kelurahan.value and "Sari" in d.kelurahan.value
    empty = dashboard_hv.class_html(store.get_class(CODE), {}, runs=False)
    assert t("hv.class.none") in empty
