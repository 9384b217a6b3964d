"""The front-office app in a real browser: name + class, a bad NIK marked, DTKS search, submit,
feedback, next case, reload and continue where left; offline throughout."""
from __future__ import annotations

import re
import statistics
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from slrt_sim.training import front_office as rp
from slrt_sim.i18n import t
from slrt_sim.training.store import SessionStore

NOTEBOOK = "roleplay_front_office.ipynb"
CLASS = "BROWSER-FO"
SEED = 2018
LEVEL = "sedang"
TRAINEE = "Rina Browser"


@pytest.fixture
def store(voila_server):
    s = SessionStore(voila_server.env["SLRT_DB"])
    s.create_class(CLASS, SEED, LEVEL, trainer="test")
    return s


def open_timed(page, voila_server) -> float:
    """Seconds from navigating to the app until its first form (name, class code) can be typed in."""
    t0 = time.perf_counter()
    try:
        page.goto(voila_server.render_url(NOTEBOOK), wait_until="commit")
    except PlaywrightError as exc:  # a reload that the old page's own navigation overtook lands on the same page
        if "ERR_ABORTED" not in str(exc) or not page.url.startswith(voila_server.render_url(NOTEBOOK)):
            raise
        page.goto(voila_server.render_url(NOTEBOOK), wait_until="commit")
    page.locator(".slrt-f-trainee input").wait_for(state="visible")
    assert page.locator(".slrt-f-trainee input").is_editable()
    return time.perf_counter() - t0


def login(page, name: str, code: str) -> None:
    page.locator(".slrt-f-trainee input").fill(name)
    page.locator(".slrt-f-class input").fill(code)
    page.locator(".slrt-login-start").click()
    page.locator(".slrt-story").wait_for(state="visible")


def radio(page, field: str, label: str) -> None:
    page.locator(f".slrt-f-{field}").get_by_role("radio", name=label, exact=True).check()


def fill_answer(page, key: dict, nik: str) -> None:
    page.locator(".slrt-f-nik input").fill(nik)
    page.locator(".slrt-f-kk input").fill(key["kk"])
    page.locator(".slrt-f-head input").fill(key["head"])
    page.locator(".slrt-f-members textarea").fill("\n".join(key["members"]))
    page.locator(".slrt-f-address textarea").fill(key["address"])
    page.locator(".slrt-f-category select").select_option(label=t(f"rp.cat.{key['category']}"))
    radio(page, "dtks", t(f"rp.dtks.{key['dtks']}"))
    for n in key["needs"]:
        page.locator(f".slrt-c-{n} input").check()
    if key["fast_track"]:
        page.locator(".slrt-f-fast_track input").check()
    if key["sktm"]:
        radio(page, "sktm", t(f"rp.sktm.{key['sktm'][0]}"))
    radio(page, "decision", t(f"rp.decision.{key['decision']}"))
    for p in key["programs"]:
        page.locator(f".slrt-c-{p} input").check()


def wait_saved(store: SessionStore, check, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = store.load_progress(TRAINEE, CLASS, "fo")
        if state and check(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"progress not saved in time: {store.load_progress(TRAINEE, CLASS, 'fo')}")


@pytest.mark.browser
def test_front_office_whole_flow(page, voila_server, store, assert_no_external_requests, page_errors, capsys):
    cases = rp.build_cases(CLASS, SEED, LEVEL)
    case = cases[0]
    key = rp.answer_key(case)

    load_s = open_timed(page, voila_server)
    login(page, TRAINEE, CLASS)
    assert page.locator(".slrt-story").inner_text().strip().endswith(case.story[-30:])
    header = page.locator(".slrt-fo").inner_text()
    want = t("rp.fo.header", name=TRAINEE, code=CLASS, level=t(f"rp.fo.level.{LEVEL}"), i=1, n=len(cases))
    assert re.sub(r"<[^>]+>", "", want) in header  # "Kasus 1 dari 10" for this trainee and class

    # nothing of the answer key is on the page before submitting
    body = page.content()
    assert page.locator("ul.slrt-fb").count() == 0 and page.locator(".slrt-score").count() == 0
    assert t("rp.fb.decision.ok", decision=t(f"rp.decision.{key['decision']}")) not in body

    # a 15-digit NIK: marked red with a message beside it, nothing typed is lost
    fill_answer(page, key, nik=key["nik"][:15])
    page.locator(".slrt-submit").click()
    page.locator(".slrt-f-nik.slrt-invalid").wait_for(state="visible")
    assert t("rp.err.nik_digits", n=15) in page.locator(".slrt-f-nik").locator("xpath=..").inner_text()
    border = page.locator(".slrt-f-nik input").evaluate("e => getComputedStyle(e).borderTopColor")
    assert border == "rgb(198, 40, 40)"
    assert page.locator(".slrt-f-head input").input_value() == key["head"]
    assert page.locator(".slrt-f-members textarea").input_value() == "\n".join(key["members"])
    assert page.locator(".slrt-f-nik input").input_value() == key["nik"][:15]
    assert page.locator(".slrt-feedback").is_hidden()

    # search the simulated DTKS by name
    page.locator(".slrt-q-name input").fill(key["head"])
    page.locator(".slrt-search").click()
    results = page.locator(".slrt-results")
    if key["dtks"] == "listed":
        results.locator(".slrt-dtks-record").first.wait_for(state="visible")
        assert key["head"].split()[0] in results.inner_text()
    else:
        results.locator(".slrt-dtks-none, .slrt-dtks-record").first.wait_for(state="visible")

    # correct the NIK: the mark goes away; submit; feedback and score
    page.locator(".slrt-f-nik input").fill(key["nik"])
    page.locator(".slrt-f-nik.slrt-invalid").wait_for(state="detached")
    page.locator(".slrt-submit").click()
    page.locator(".slrt-score").wait_for(state="visible")
    assert "100,0" in page.locator(".slrt-score").inner_text() or "100.0" in page.locator(".slrt-score").inner_text()
    assert page.locator(".slrt-item-ok").count() >= 10 and page.locator(".slrt-item-bad").count() == 0
    # the summary leads; the per-item detail is folded below it and opens on a tap
    feedback = page.locator(".slrt-feedback")
    decision_ok = t("rp.fb.decision.ok", decision=t(f"rp.decision.{key['decision']}"))
    assert decision_ok not in feedback.inner_text()
    feedback.locator("details.slrt-detail > summary").click()
    expect(feedback.locator("details.slrt-detail .slrt-fb")).to_be_visible()
    assert decision_ok in feedback.inner_text()
    df = store.submissions(CLASS)
    assert df.case_id.tolist() == [case.case_id] and df.score.tolist() == [100.0]

    # a reload right after the submit: the score, the feedback and "Kasus berikutnya" come back
    score_text = page.locator(".slrt-score").inner_text()
    open_timed(page, voila_server)
    login(page, TRAINEE, CLASS)
    page.locator(".slrt-score").wait_for(state="visible")
    assert page.locator(".slrt-score").inner_text() == score_text
    expect(page.locator(".slrt-next")).to_be_visible()
    assert page.locator(".slrt-submit").is_disabled()
    assert len(store.submissions(CLASS)) == 1

    # next case: start typing, then reload the page
    page.locator(".slrt-next").click()
    page.locator(".slrt-fo", has_text=re.compile(r"Kasus\s+2\s+dari")).wait_for(state="visible")
    second = rp.answer_key(cases[1])
    page.locator(".slrt-f-nik input").fill(second["nik"][:8])
    page.locator(".slrt-f-head input").fill(second["head"])
    page.locator(".slrt-c-food input").check()
    wait_saved(store, lambda s: s["case_index"] == 1 and s["form"].get("head") == second["head"]
               and s["form"].get("nik") == second["nik"][:8] and "food" in s["form"].get("needs", []))

    reload_s = open_timed(page, voila_server)
    # the name and class code typed before the reload are there again (kept in this browser)
    expect(page.locator(".slrt-f-trainee input")).to_have_value(TRAINEE, timeout=30_000)
    expect(page.locator(".slrt-f-class input")).to_have_value(CLASS)
    login(page, "  rina   browser ", CLASS.lower())   # same person, typed a little differently
    page.locator(".slrt-fo", has_text=re.compile(r"Kasus\s+2\s+dari")).wait_for(state="visible")
    assert page.locator(".slrt-f-nik input").input_value() == second["nik"][:8]
    assert page.locator(".slrt-f-head input").input_value() == second["head"]
    assert page.locator(".slrt-c-food input").is_checked()
    assert cases[1].story[-30:] in page.locator(".slrt-story").inner_text()
    assert len(store.submissions(CLASS)) == 1  # the reload did not submit anything

    with capsys.disabled():
        print(f"\n[front office] page open → form usable: first {load_s:.2f} s, after reload {reload_s:.2f} s")
    assert load_s < 60 and reload_s < 60
    assert not page_errors, page_errors
    assert_no_external_requests()


@pytest.mark.browser
def test_front_office_load_time(page, voila_server, capsys, assert_no_external_requests):
    """Median over a few loads of the time until the app's first form can be typed in."""
    times = [open_timed(page, voila_server) for _ in range(3)]
    with capsys.disabled():
        print(f"\n[front office] load times {[round(x, 2) for x in times]} s, median {statistics.median(times):.2f} s")
    assert statistics.median(times) < 30
    assert_no_external_requests()
