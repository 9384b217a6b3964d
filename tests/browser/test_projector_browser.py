"""The trainer dashboard's projector view in a real browser: every visible text at least 20 px.

A room at the back reads the projector: the tab labels, the checkboxes, the buttons, the
per-trainee table and the class's kelurahan all count, at 1920 × 1080 and at 1024 × 768 (an
older projector). The text is read as the browser lays it out (computed font size of every
visible text node and form control of the view, tab by tab).
"""
from __future__ import annotations

import time

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import fo_grading
from slrt_sim.training import front_office as fo
from slrt_sim.training.store import SessionStore

CLASS, SEED, LEVEL = "BROWSER-PROJ", 2018, "sedang"
MIN_PX = 20.0
SIZES = ((1920, 1080), (1024, 768))

SMALL_TEXT = """(root) => {
  const out = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('style, script, option') || !visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const text = node.textContent.trim().slice(0, 40);
    if (size < MIN) out.push(`${el.tagName.toLowerCase()}.${el.className} ${size}px "${text}"`);
  }
  root.querySelectorAll('input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea, button')
    .forEach((el) => {
      if (!visible(el)) return;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < MIN) out.push(`${el.tagName.toLowerCase()}.${el.className} ${size}px (control)`);
    });
  return out;
}""".replace("MIN", str(MIN_PX))


@pytest.fixture
def projector_class(voila_server):
    """A class with two front-office files of one trainee (one a mistake), so that every tab has content."""
    store = SessionStore(voila_server.env["SLRT_DB"])
    store.create_class(CLASS, SEED, LEVEL, trainer="test")
    cases = fo.build_cases(CLASS, SEED, LEVEL)
    for case in cases[:2]:
        answers = {k: v for k, v in fo.answer_key(case).items() if k != "referrals"}
        answers["sktm"] = answers["sktm"][0] if answers["sktm"] else None
        if case is cases[1]:
            answers["decision"] = "close_info"
        g = fo_grading.grade(case, answers)
        store.save_submission(trainee="Sari Proyektor", class_code=CLASS, app="fo", case_id=case.case_id,
                              answers=answers, score=g.score, max_score=g.max_score,
                              feedback=[{k: i[k] for k in ("item", "ok", "rule", "message")} for i in g.items],
                              started_at=time.time() - 300, submitted_at=time.time())
    return cases


@pytest.mark.browser
def test_projector_view_text_is_at_least_20_px(page, voila_server, trainer_pin, projector_class, page_errors,
                                               open_dashboard_class):
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    open_dashboard_class(page, voila_server, trainer_pin, CLASS)
    page.locator(".slrt-live .slrt-progress").wait_for(state="visible", timeout=60_000)
    page.locator(".slrt-projector-toggle input").check()
    view = page.locator(".slrt-dash.slrt-projector")
    view.wait_for(state="visible")
    tabs = [t("dash.tab.live"), t("dash.tab.mistakes"), t("dash.tab.discussion"), t("dash.tab.export"),
            t("oc.class.tab")]
    small: dict[str, list[str]] = {}
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for name in tabs:
            page.get_by_role("tab", name=name).click()
            if name == t("oc.class.tab"):
                page.locator(".oc-class .oc-trainees").wait_for(state="visible", timeout=90_000)
            page.wait_for_timeout(300)  # the tab's panel laid out
            found = view.evaluate(SMALL_TEXT)
            if found:
                small[f"{width}x{height} {name}"] = found
    assert not small, "text under 20 px on the projector:\n" + "\n".join(
        f"{where}: {line}" for where, lines in small.items() for line in lines[:15])
    assert not page_errors, page_errors
