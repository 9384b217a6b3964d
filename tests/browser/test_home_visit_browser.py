"""The home-visit practice on a phone (390 × 844): the visit and the form fit the screen with
touch targets of at least 40 px; a submit with a wrong field marks it and keeps what was typed;
the corrected recording is graded and the DTKS consequence is shown."""
from __future__ import annotations

import re

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import home_visit as hv
from slrt_sim.training.store import SessionStore
from test_phone import OVERFLOW_JS, SMALL_TARGETS_JS  # the phone checks of every app (tests/browser/ is on the path)

VOILA_TIMEOUT_MS = 90_000
CLASS = "PHONE-HV"
SEED = 2018


@pytest.fixture
def phone(browser, wait_for_voila):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(VOILA_TIMEOUT_MS)
    local = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)[:/]|^(data|blob|about):")
    context.route("**/*", lambda route: route.continue_() if local.match(route.request.url) else route.abort())
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _fits(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    root = page.locator(".slrt-hv").first
    assert root.evaluate(OVERFLOW_JS) == []
    assert root.evaluate(SMALL_TARGETS_JS) == []


def _choose(page, field: str, label: str) -> None:
    page.locator(f".slrt-f-{field}").get_by_role("button", name=label, exact=True).click()


@pytest.mark.browser
def test_home_visit_on_a_phone(phone, voila_server, wait_for_voila):
    SessionStore(voila_server.env["SLRT_DB"]).create_class(CLASS, SEED, "sedang", trainer="test")
    phone.goto(voila_server.render_url("roleplay_home_visit.ipynb"), wait_until="domcontentloaded")
    wait_for_voila(phone)
    _fits(phone)
    phone.locator(".slrt-f-trainee input").fill("Rina Kunjungan")
    phone.locator(".slrt-f-class input").fill(CLASS)
    phone.locator(".slrt-login-start").click()
    phone.locator(".slrt-story").wait_for(state="visible")
    _fits(phone)
    case = hv.build_cases(CLASS, SEED, "sedang")[0]
    key = hv.answer_key(case)
    assert case.members[0]["name"] in phone.locator(".slrt-story").inner_text()
    # everything right but the size, typed as a word: marked, nothing else lost
    for field in ("floor", "wall", "roof"):
        _choose(phone, field, t(f"hv.{field}.{key[field]}"))
    _choose(phone, "owns_land", t(f"hv.yesno.{key['owns_land']}"))
    _choose(phone, "work", t(f"hv.work.{key['work']}"))
    for a in key["assets"]:
        phone.locator(f".slrt-c-{a} input").check()
    phone.locator(".slrt-f-size input").fill("banyak")
    phone.locator(".slrt-submit").click()
    phone.locator(".slrt-f-size.slrt-invalid").wait_for(state="attached")
    assert t("hv.err.size", max=hv.MAX_SIZE) in phone.locator(".slrt-form").inner_text()
    for a in key["assets"]:
        assert phone.locator(f".slrt-c-{a} input").is_checked()
    pressed = phone.locator(".slrt-f-floor .mod-active")
    assert pressed.inner_text().strip() == t(f"hv.floor.{key['floor']}")
    _fits(phone)
    # corrected and sent: the score and the DTKS consequence come on screen
    phone.locator(".slrt-f-size input").fill(key["size"])
    phone.locator(".slrt-submit").click()
    phone.locator(".slrt-feedback-box .slrt-score").wait_for(state="visible")
    assert t("hv.fb.score", score=10, max=10) in phone.locator(".slrt-feedback-box .slrt-score").inner_text()
    assert phone.locator(".slrt-hv-error").get_attribute("data-error") == "none"
    _fits(phone)
