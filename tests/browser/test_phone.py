"""Every app at phone size (390 × 844 and 360 × 780) — the trainees' role plays and landing
page, and the walkthrough and planner too: nothing wider than the screen, touch targets of at least 40 px, the key columns of the documents and of the DTKS
result on screen, tab titles and button labels not cut."""
from __future__ import annotations

import re

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import back_office as bo
from slrt_sim.training.store import SessionStore

VOILA_TIMEOUT_MS = 90_000

PHONES = [(390, 844), (360, 780)]
CLASS_FO, CLASS_BO = "PHONE-FO", "PHONE-BO"

OVERFLOW_JS = """root => {
  const w = window.innerWidth, out = [];
  for (const e of root.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > w + 1 && getComputedStyle(e).visibility !== 'hidden')
      out.push(e.tagName + '.' + String(e.className).slice(0, 50) + ' right=' + Math.round(r.right));
  }
  return out.slice(0, 10);
}"""

SMALL_TARGETS_JS = """root => {
  const out = [];
  const targets = [...root.querySelectorAll('button, .widget-checkbox label.widget-label-basic, .widget-radio-box label, select, input[type=text], summary, .lm-TabBar-tab')];
  for (const e of targets) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;   // not shown
    if (r.height < 40 || r.width < 40) out.push((e.innerText || e.tagName).slice(0, 30) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  }
  return out;
}"""

CUT_TEXT_JS = """els => els.filter(e => e.getBoundingClientRect().width > 0 && e.scrollWidth > e.clientWidth + 1)
                   .map(e => e.innerText)"""


@pytest.fixture(params=PHONES, ids=lambda s: f"{s[0]}x{s[1]}")
def phone(request, browser, voila_server, wait_for_voila):
    w, h = request.param
    context = browser.new_context(locale="id-ID", viewport={"width": w, "height": h}, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(VOILA_TIMEOUT_MS)
    local = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)[:/]|^(data|blob|about):")
    context.route("**/*", lambda route: route.continue_() if local.match(route.request.url) else route.abort())
    page = context.new_page()
    page.wait_for_voila = lambda: wait_for_voila(page)
    try:
        yield page
    finally:
        context.close()


def open_(page, voila_server, notebook: str):
    page.goto(voila_server.render_url(notebook), wait_until="domcontentloaded")
    page.wait_for_voila()
    return page


def assert_fits(page, root_selector: str) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    root = page.locator(root_selector).first
    assert root.evaluate(OVERFLOW_JS) == []
    assert root.evaluate(SMALL_TARGETS_JS) == []


@pytest.mark.browser
def test_landing_on_a_phone(phone, voila_server):
    page = open_(phone, voila_server, "index.ipynb")
    page.get_by_role("heading", name=t("landing.start.heading")).wait_for(state="visible")
    assert_fits(page, ".slrt-landing")  # the static landing page (no kernel)
    buttons = page.locator(".slrt-start a.slrt-app")
    assert buttons.count() == 4  # front office, back office, home visit, live kelurahan desk
    viewport_h = page.viewport_size["height"]
    for i in range(buttons.count()):  # the trainee's buttons: big and in the first screen
        box = buttons.nth(i).bounding_box()
        assert box["height"] >= 48 and box["width"] >= 0.75 * page.viewport_size["width"]
        assert box["y"] + box["height"] <= viewport_h


@pytest.mark.browser
def test_front_office_on_a_phone(phone, voila_server):
    SessionStore(voila_server.env["SLRT_DB"]).create_class(CLASS_FO, 2018, "sedang", trainer="test")
    page = open_(phone, voila_server, "roleplay_front_office.ipynb")
    assert_fits(page, ".slrt-fo")
    page.locator(".slrt-f-trainee input").fill(f"Rina Ponsel {phone.viewport_size['width']}")  # a fresh start each size
    page.locator(".slrt-f-class input").fill(CLASS_FO)
    page.locator(".slrt-login-start").click()
    page.locator(".slrt-story").wait_for(state="visible")
    assert_fits(page, ".slrt-fo")
    width = page.viewport_size["width"]
    # the KK: each member's relation is on screen (stacked as a card with the column name)
    relation = page.locator(f'.slrt-doc-kk td[data-label="{t("rp.fo.doc.relation")}"]')
    assert relation.count() >= 1
    for i in range(relation.count()):
        box = relation.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    # the rules are there before submitting
    page.locator(".slrt-rules > summary").click()
    page.locator(".slrt-rule-PKH > summary").click()
    assert t("rules.crit.pkh") in page.locator(".slrt-rule-PKH").inner_text()
    assert_fits(page, ".slrt-fo")
    form_in_steps(page)


def _shown(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def form_in_steps(page) -> None:
    """On a phone the form is three parts, one on screen at a time, each at most one screen high;
    moving between them loses nothing typed; a submit with mistakes opens the first part with one
    and counts the mistakes on its step button."""
    viewport_h = page.viewport_size["height"]
    parts = ("identity", "complaint", "decision")
    assert _shown(page, ".slrt-steps-bar")
    page.locator(".slrt-f-nik input").fill("33751234")           # 8 digits: a mistake the submit finds
    page.locator(".slrt-f-head input").fill("Sutrisno Ponsel")
    heights = {}
    for i, part in enumerate(parts):
        for other in parts:
            assert _shown(page, f".slrt-step-{other}") == (other == part), (part, other)
        assert _shown(page, ".slrt-submit") == (part == "decision")   # sending only from the last part
        heights[part] = page.locator(f".slrt-step-{part}").bounding_box()["height"]
        sizes = page.locator(f".slrt-step-{part} > *").evaluate_all(
            "els => els.map(e => String(e.className).split(' ').filter(c => c.startsWith('slrt-f-') || c.startsWith('rp-') ).join('.') + ':' + Math.round(e.getBoundingClientRect().height) + 'x' + Math.round(e.getBoundingClientRect().width))")
        assert heights[part] <= viewport_h, (heights, sizes)   # one part: at most one screen (the whole form was four)
        assert_fits(page, ".slrt-form")
        if part == "complaint":   # the need checkboxes say several may be ticked
            assert t("rp.fo.f.needs") in page.locator(".slrt-form").inner_text()
            page.locator(".slrt-f-category select").select_option(index=1)
            page.locator(".slrt-c-food input").check()
        if i < len(parts) - 1:
            page.locator(f".slrt-step-{part} .slrt-step-next").click()
            page.locator(f".slrt-step-{parts[i + 1]}").wait_for(state="visible")
            top = page.locator(".slrt-form-steps").bounding_box()["y"]
            assert -1 <= top <= viewport_h / 2   # the new part starts on screen, not below it
    assert page.locator(".slrt-submit").evaluate("e => e.clientWidth > 0 && e.scrollWidth <= e.clientWidth")  # not cut
    page.locator(".slrt-submit").click()
    page.locator(".slrt-step-identity").wait_for(state="visible")   # back to the part with the mistakes
    assert page.locator(".slrt-f-nik").evaluate("e => e.classList.contains('slrt-invalid')")
    identity_btn = page.locator(".slrt-step-btn-identity")
    expect_text = page.locator(".slrt-f-nik").locator("xpath=..").inner_text()
    assert "⚠" in expect_text
    assert "⚠" in identity_btn.inner_text() and "slrt-step-err" in identity_btn.get_attribute("class")
    assert page.locator(".slrt-f-head input").input_value() == "Sutrisno Ponsel"   # nothing typed is lost
    page.locator(".slrt-step-btn-complaint").click()
    page.locator(".slrt-step-complaint").wait_for(state="visible")
    assert page.locator(".slrt-f-category select").input_value() != ""
    assert page.locator(".slrt-c-food input").is_checked()
    # correct the mistake, finish the form, send: the feedback comes on screen
    page.locator(".slrt-step-btn-identity").click()
    page.locator(".slrt-f-nik input").fill("3375012345678901")
    page.locator(".slrt-f-members textarea").fill("Sutrisno Ponsel")
    page.locator(".slrt-f-address textarea").fill("Jl. Contoh 1 RT 01/RW 02")
    page.locator(".slrt-step-identity .slrt-step-next").click()
    page.locator(".slrt-f-dtks").get_by_role("radio", name=t("rp.dtks.listed"), exact=True).check()
    if _shown(page, ".slrt-f-sktm"):
        page.locator(".slrt-f-sktm").get_by_role("radio", name=t("rp.sktm.verify"), exact=True).check()
    page.locator(".slrt-step-complaint .slrt-step-next").click()
    page.locator(".slrt-f-decision").get_by_role("radio", name=t("rp.decision.close_info"), exact=True).check()
    page.locator(".slrt-submit").click()
    page.locator(".slrt-feedback-box .slrt-score").wait_for(state="visible")
    page.wait_for_function("() => { const r = document.querySelector('.slrt-feedback-box').getBoundingClientRect();"
                           " return r.top >= -1 && r.top < window.innerHeight / 2; }", timeout=10_000)
    assert "⚠" not in page.locator(".slrt-steps-bar").inner_text()   # no mistakes left on the step buttons
    feedback_fits_one_screen(page)
    # the next resident: their story on screen, their form empty at its first part
    page.locator(".slrt-next").click()
    page.locator(".slrt-feedback-box").wait_for(state="hidden")
    page.locator(".slrt-step-identity").wait_for(state="visible")
    assert page.locator(".slrt-f-head input").input_value() == ""
    page.wait_for_function("() => { const r = document.querySelector('.slrt-case-box').getBoundingClientRect();"
                           " return r.top >= -1 && r.top < window.innerHeight / 2; }", timeout=10_000)


def feedback_fits_one_screen(page) -> None:
    """The FO feedback — score, what was right, what to fix, what it did to the family, the folded
    detail and timelines and "Kasus berikutnya" — is one phone screen; opened, the detail is at most
    three; no sentence is said twice."""
    viewport_h = page.viewport_size["height"]
    box = page.locator(".slrt-feedback-box")
    page.locator("details.slrt-timeline").wait_for(state="attached", timeout=60_000)  # the timelines, folded
    assert box.bounding_box()["height"] <= viewport_h, box.bounding_box()
    assert page.locator(".slrt-next").is_visible()
    summary = page.locator(".slrt-feedback .slrt-summary")
    assert summary.locator(".slrt-score").is_visible() and summary.locator(".slrt-sum-family").is_visible()
    page.locator("details.slrt-detail > summary").click()
    detail = page.locator("details.slrt-detail .slrt-fold-body")
    detail.wait_for(state="visible")
    assert detail.bounding_box()["height"] <= 3 * viewport_h
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", page.locator(".slrt-feedback").inner_text())
                 if len(s.strip()) > 25]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, repeated
    page.locator("details.slrt-detail > summary").click()


@pytest.mark.browser
def test_back_office_on_a_phone(phone, voila_server):
    SessionStore(voila_server.env["SLRT_DB"]).create_class(CLASS_BO, 2018, "mudah", trainer="test")
    queue = bo.build_queue(CLASS_BO, 2018, "mudah")
    page = open_(phone, voila_server, "roleplay_back_office.ipynb")
    assert_fits(page, ".slrt-bo")
    page.locator(".slrt-login-name input").fill("Dewi Ponsel")
    page.locator(".slrt-login-class input").fill(CLASS_BO)
    page.locator(".slrt-login-start").click()
    page.locator(".slrt-bo-header").wait_for(state="visible")
    # the priority rule is shown before anything is submitted
    assert t("bo.rule.priority") in page.locator(".slrt-priority-rule").inner_text()
    # tab titles are readable: not cut
    tabs = page.locator(".lm-TabBar-tabLabel")
    assert tabs.count() == len(queue.cases)
    assert tabs.evaluate_all(CUT_TEXT_JS) == []
    for c in queue.cases:
        assert re.search(rf"{c.case_id}\s+{re.escape(c.head_name.split()[0])}", page.locator(".lm-TabBar").inner_text())
    cid = queue.cases[0].case_id
    page.locator(f".slrt-check-{cid}").click()
    page.locator(f".slrt-case-{cid} .slrt-dtks").wait_for(state="visible")
    width = page.viewport_size["width"]
    for col in ("bo.check.col.decile", "bo.check.col.year", "bo.check.col.receives"):
        cells = page.locator(f'.slrt-case-{cid} .slrt-dtks td[data-label="{t(col)}"]')
        if cells.count() == 0:  # this household is not in the DTKS: nothing to show
            continue
        box = cells.first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, col
        assert cells.first.is_visible()
    assert page.locator(".slrt-submit").evaluate("e => e.scrollWidth <= e.clientWidth")
    assert_fits(page, ".slrt-bo")
    # a chosen "Layak" is unmistakable: filled in colour, with a tick, the other one plain
    prog = queue.cases[0].candidates[0]
    group = page.locator(f".slrt-dec-{cid}-{prog}")
    group.get_by_role("button").first.click()
    chosen = group.locator(".mod-active")
    chosen.wait_for(state="visible")
    assert chosen.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 111, 235)"
    assert "✓" in chosen.evaluate("e => getComputedStyle(e, '::before').content")
    other = group.locator("button:not(.mod-active)").first
    assert other.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(31, 111, 235)"
    assert other.evaluate("e => getComputedStyle(e, '::before').content") in ("none", "normal", "")


@pytest.mark.browser
def test_walkthrough_on_a_phone(phone, voila_server):
    """The walkthrough a trainee may follow on a phone: each tab fits, a what-if runs and its
    comparison table fits the screen."""
    page = open_(phone, voila_server, "walkthrough.ipynb")
    page.get_by_text(t("walk.title")).wait_for(state="visible")
    page.get_by_text("Langkah 1 dari 8").wait_for(state="visible")
    assert_fits(page, ".slrt-app")
    tabs = page.locator(".lm-TabBar-tabLabel")
    assert tabs.evaluate_all(CUT_TEXT_JS) == []
    page.get_by_role("tab", name=t("walk.tab.year")).click()
    page.locator(".slrt-flow").wait_for(state="visible")
    assert_fits(page, ".slrt-app")
    page.get_by_role("tab", name=t("walk.tab.whatif")).click()
    page.get_by_role("button", name=t("walk.opt.walkin_only"), exact=True).click()
    page.get_by_role("button", name=t("walk.run"), exact=True).click()
    page.get_by_text(re.compile(r"^Percobaan 2 selesai")).wait_for(state="visible", timeout=120_000)
    page.locator(".slrt-walk-compare-img").wait_for(state="visible")
    assert_fits(page, ".slrt-app")


@pytest.mark.browser
def test_planner_on_a_phone(phone, voila_server):
    """The planner fits a phone: its controls (descriptions above them), and after a kelurahan's
    plan the recommendation, the result table and the charts."""
    page = open_(phone, voila_server, "planner.ipynb")
    page.get_by_text(t("plan.title")).wait_for(state="visible")
    assert_fits(page, ".slrt-ui")
    area = page.locator("select").filter(has=page.locator("option", has_text="Medono"))
    area.select_option(label=next(o for o in area.locator("option").all_inner_texts() if "Medono" in o))
    page.get_by_role("button", name=t("plan.run"), exact=True).click()
    page.locator(".slrt-recommendation").wait_for(state="visible", timeout=240_000)
    page.get_by_text(t("plan.erlang.heading")).wait_for(state="visible", timeout=30_000)
    assert_fits(page, ".slrt-ui")
