"""Issue 9 in a real browser: a trainee submits a front-office case with a mistyped NIK and sees
the household's two timelines — *Keputusan Anda* / *Penanganan yang tepat* — side by side on a
laptop and one under the other on a phone."""
from __future__ import annotations

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import front_office as rp
from slrt_sim.training.store import SessionStore

from test_front_office_browser import NOTEBOOK, fill_answer, login

CLASS = "BROWSER-OC"
SEED = 2018
LEVEL = "sedang"


@pytest.fixture
def store(voila_server):
    s = SessionStore(voila_server.env["SLRT_DB"])
    s.create_class(CLASS, SEED, LEVEL, trainer="test")
    return s


@pytest.mark.browser
def test_submit_shows_the_two_timelines(page, voila_server, store, assert_no_external_requests, page_errors):
    cases = rp.build_cases(CLASS, SEED, LEVEL)
    i = next(k for k, c in enumerate(cases) if c.problem == "clean")
    assert i == 0, "the first case is a listed household (the NIK typo must miss its DTKS record)"
    key = rp.answer_key(cases[0])
    typo = key["nik"][:-2] + key["nik"][-1] + key["nik"][-2]
    assert typo != key["nik"]

    page.goto(voila_server.render_url(NOTEBOOK))
    page.locator(".slrt-f-trainee input").wait_for(state="visible")
    login(page, "Dewi Outcome", CLASS)
    assert page.locator(".oc-pair").count() == 0  # nothing before submitting
    fill_answer(page, key, nik=typo)
    page.locator(".slrt-submit").click()
    # the timelines fold below the feedback's summary; a tap opens them
    page.locator("details.slrt-timeline > summary").click(timeout=60_000)
    pair = page.locator(".oc-pair")
    pair.wait_for(state="visible", timeout=30_000)
    yours, right = pair.locator(".oc-yours"), pair.locator(".oc-key")
    assert t("oc.ui.yours") in yours.locator("h4").inner_text()
    assert t("oc.ui.key") in right.locator("h4").inner_text()
    # the mistyped NIK: not found in the DTKS, a verval visit corrects it — only in the trainee's run
    assert yours.locator("li[data-step='dtks_nik_not_found']").count() == 1
    assert right.locator("li[data-step='dtks_nik_not_found']").count() == 0
    assert t("oc.step.dtks_nik_not_found") in yours.inner_text()
    assert right.locator("li[data-step='referred']").count() >= 1
    # side by side on a laptop
    a, b = yours.bounding_box(), right.bounding_box()
    assert abs(a["y"] - b["y"]) < 5 and b["x"] > a["x"] + a["width"] - 5
    # one under the other on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    a, b = yours.bounding_box(), right.bounding_box()
    assert b["y"] >= a["y"] + a["height"] - 1 and a["width"] <= 390
    assert not page_errors, page_errors
    assert_no_external_requests()
