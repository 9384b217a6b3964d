"""The dashboard's projector view of the class's kelurahan and its year opened in the
walkthrough's year view for the debrief, in a real browser; offline."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import front_office as fo
from slrt_sim.training import outcomes as O
from slrt_sim.training.store import SessionStore

NOTEBOOK = "trainer_dashboard.ipynb"
CLASS, SEED, LEVEL = "BROWSER-KEL", 2018, "sedang"
TRAINEE = "Budi Debrief"
SHOTS = Path(os.environ.get("SLRT_SHOTS", "/tmp/slrt-shots"))


@pytest.fixture
def klass(voila_server):
    store = SessionStore(voila_server.env["SLRT_DB"])
    store.create_class(CLASS, SEED, LEVEL, trainer="test")
    cases = fo.build_cases(CLASS, SEED, LEVEL)
    for case in cases[:2]:  # two files: one as the key, one closed with information only (a mistake)
        answers = dict(fo.answer_key(case))
        if case is cases[1]:
            answers["decision"] = "close_info"
        store.save_submission(trainee=TRAINEE, class_code=CLASS, app="fo", case_id=case.case_id, answers=answers,
                              score=50.0, max_score=100.0, feedback=[], started_at=time.time() - 300,
                              submitted_at=time.time())
    return cases


@pytest.mark.browser
def test_kelurahan_projector_view_and_its_year(page, voila_server, wait_for_voila, trainer_pin, klass,
                                               assert_no_external_requests, page_errors, enter_pin_choose_class):
    page.goto(voila_server.render_url(NOTEBOOK), wait_until="domcontentloaded")
    wait_for_voila(page)
    enter_pin_choose_class(page, trainer_pin, CLASS)
    page.get_by_role("tab", name=t("oc.class.tab")).click()

    # the projector view: the cases in are the cases shown, in large type, the trainee's row
    view = page.locator(".oc-class:not(.oc-hv)")  # the front office's; the home visits' view follows it
    view.wait_for(state="visible", timeout=60_000)
    assert view.locator(".oc-cases").get_attribute("data-cases") == "2"
    big = view.locator(".oc-big").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert big >= 28
    assert TRAINEE in view.locator(".oc-trainees").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)

    # the year of the trainee's run: every household a dot, the class's case households ringed
    pick = page.locator(".slrt-year-pick select")
    pick.select_option(label=t("oc.year.trainee", name=TRAINEE))
    page.locator(".slrt-year-open").click()
    flow = page.locator(".slrt-year-view .slrt-flow")
    flow.wait_for(state="visible", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.slrt-flow-dot').length > 0")
    subs = {TRAINEE: {0: dict(fo.answer_key(klass[0])), 1: {**fo.answer_key(klass[1]), "decision": "close_info"}}}
    result, outcome = O.class_year(CLASS, SEED, LEVEL, subs[TRAINEE])
    needs = sum(len(h.needs) for h in outcome.households.values())
    assert page.locator(".slrt-flow-dot").count() == len(result.cases) + needs
    play = page.locator(".slrt-year-view .slrt-play")
    play.click()
    page.wait_for_function("() => Number(document.querySelector('.slrt-year-view .slrt-flow').dataset.day) >= 60",
                           timeout=60_000)
    play.click()
    page.wait_for_function("() => document.querySelector('.slrt-year-view .slrt-flow').dataset.playing === '0'")
    ringed = page.locator(".slrt-flow-dot-marked").evaluate_all("ds => ds.filter(d => d.style.opacity === '1').length")
    assert ringed == needs  # by day 60 every case household has walked in (they arrive in the first weeks)
    page.screenshot(path=str(SHOTS / "dashboard_kelurahan.png"))
    page.locator(".slrt-year-view").screenshot(path=str(SHOTS / "dashboard_kelurahan_year.png"))
    assert not page_errors, page_errors
    assert_no_external_requests()
