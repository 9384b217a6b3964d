"""The trainer dashboard in a real browser: PIN gate, the class live, discussion, downloads; offline."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from slrt_sim.training import bo_grading
from slrt_sim.training import back_office as bo
from slrt_sim.i18n import t
from slrt_sim.training.store import SessionStore

SCREENSHOTS = Path(os.environ["SLRT_SCREENSHOTS"]) if os.environ.get("SLRT_SCREENSHOTS") else None
"""Set SLRT_SCREENSHOTS=DIR to keep a screenshot of the projector view (to look at)."""
NOTEBOOK = "trainer_dashboard.ipynb"
BO_NOTEBOOK = "roleplay_back_office.ipynb"
CLASS = "BROWSER-BO"  # the class of test_back_office_browser.py


def bo_submissions(store):
    sub = store.submissions(CLASS)
    return sub[sub["app"] == "bo"]


def submit_through_the_app(page, voila_server, wait_for_voila, name: str) -> None:
    """A quick back-office submission in the browser (when this file runs alone)."""
    page.goto(voila_server.render_url(BO_NOTEBOOK), wait_until="domcontentloaded")
    wait_for_voila(page)
    page.locator(".slrt-login-name input").fill(name)
    page.locator(".slrt-login-class input").fill(CLASS)
    page.locator(".slrt-login-start").click()
    page.locator(".slrt-submit").click()
    page.locator(".slrt-submit").click()  # confirm: empty decisions
    page.locator(".slrt-score").wait_for(state="visible")


@pytest.mark.browser
def test_dashboard_pin_live_class_and_downloads(page, voila_server, wait_for_voila, trainer_pin,
                                               assert_no_external_requests, page_errors, enter_pin_choose_class):
    store = SessionStore(voila_server.env["SLRT_DB"])
    store.create_class(CLASS, 2018, "mudah")
    if bo_submissions(store).empty:
        submit_through_the_app(page, voila_server, wait_for_voila, "Dewi Browser")
    made_by_browser = bo_submissions(store)["trainee"].iloc[0]

    page.goto(voila_server.render_url(NOTEBOOK), wait_until="domcontentloaded")
    wait_for_voila(page)
    page.get_by_text(t("dash.pin.prompt")).wait_for(state="visible")
    # a wrong PIN: a message, nothing of the class shown
    page.locator(".slrt-pin input").fill("0000")
    page.locator(".slrt-pin-enter").click()
    page.get_by_text(t("dash.pin.wrong")).wait_for(state="visible")
    assert page.locator(".slrt-live").count() == 0 and page.locator(".slrt-class-choose").count() == 0
    assert made_by_browser not in page.content()

    enter_pin_choose_class(page, trainer_pin, CLASS)
    live = page.locator(".slrt-live")
    live.get_by_text(made_by_browser).first.wait_for(state="visible")
    assert page.locator(".slrt-plot img").evaluate("i => i.complete && i.naturalWidth > 100")

    # live: a new submission shows up without pressing anything
    n_before = len(store.submissions(CLASS))
    queue = bo.build_queue(CLASS, 2018, "mudah")
    g = bo_grading.grade(queue, bo.empty_answers(queue), 0, 60)  # with mistakes, for the mistakes tab
    store.save_submission(trainee="Live Arrival", class_code=CLASS, app="bo", case_id="ANTREAN", answers={},
                          score=g.score, max_score=g.max_score,
                          feedback=[{k: i[k] for k in ("item", "ok", "rule", "message")} for i in g.items],
                          started_at=time.time() - 600, submitted_at=time.time())
    live.locator(".slrt-progress").get_by_text("Live Arrival").wait_for(state="visible", timeout=20_000)
    assert str(n_before + 1) in page.locator(".slrt-updated").inner_text()

    # the create-class panel is folded and empty: it shows nothing of the chosen class
    assert page.locator(".slrt-class-code input").input_value() == ""
    assert page.locator(".slrt-class-code input").is_hidden()

    # projector view: one row per trainee, front and back office apart, large type
    page.locator(".slrt-projector-toggle input").check()
    page.locator(".slrt-dash.slrt-projector").wait_for(state="visible")
    assert page.locator(".slrt-progress td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 22
    trainees = store.submissions(CLASS)["trainee"].str.casefold().nunique()
    assert page.locator(".slrt-progress tr:has(td)").count() == trainees
    assert page.locator(".slrt-stat-fo").is_visible() and page.locator(".slrt-stat-bo").is_visible()
    assert page.locator(".slrt-class-panel").is_hidden()
    assert page.locator(".slrt-all table").is_hidden()  # every submission: folded
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1366, "height": 768})
        page.screenshot(path=str(SCREENSHOTS / "dashboard-projector.png"))
    page.locator(".slrt-projector-toggle input").uncheck()

    page.get_by_role("tab", name=t("dash.tab.mistakes")).click()
    page.locator(".slrt-mistakes table").wait_for(state="visible")
    assert t("bo.rule.priority") in page.locator(".slrt-mistakes").inner_text()
    page.get_by_role("tab", name=t("dash.tab.discussion")).click()
    disc = page.locator(".slrt-discussion")
    disc.get_by_text(t("dash.discussion.answer")).wait_for(state="visible")
    assert queue.cases[0].head_name in disc.inner_text()
    page.get_by_role("tab", name=t("dash.tab.export")).click()
    for cls, ext in (("slrt-dl-csv", ".csv"), ("slrt-dl-xlsx", ".xlsx")):
        link = page.locator(f"a.{cls}")
        link.wait_for(state="visible")
        assert link.get_attribute("href").startswith("data:")
        with page.expect_download() as info:
            link.click()
        assert info.value.suggested_filename.endswith(ext)
        path = info.value.path()
        assert path and open(path, "rb").read(2) in (b"\xef\xbb", b"PK")
    assert not page_errors
    assert_no_external_requests()
