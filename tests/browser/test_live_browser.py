"""One live kelurahan in real browsers over loopback: trainees on phones (390 x 844) and the trainer's
projector page (1920 x 1080). The trainees log in and take their desks, the trainer starts the game
from their choices, each trainee answers decisions with the big buttons, the projector shows the
game live, and the debrief shows each trainee's answers: three trainees ended by the trainer, and a
class of seven (a whole team) playing a 30-day kelurahan quickly until it ends by itself."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from slrt_sim.i18n import t
from slrt_sim.training.store import SessionStore
from test_phone import OVERFLOW_JS, SMALL_TARGETS_JS  # the phone checks of every app (tests/browser/ is on the path)

TIMEOUT_MS = 90_000
CLASS = "LIVE-1"
PLAYERS = (("Ani Meja", "fo"), ("Budi Meja", "bo"), ("Citra Meja", "manager"))
SMALLEST_TEXT_JS = """root => Math.min(...[...root.querySelectorAll('*')].filter(
  e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).map(
  e => parseFloat(getComputedStyle(e).fontSize)))"""
"""The smallest font size (px) of an element in ``root`` with text of its own."""
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)[:/]|^(data|blob|about):")


def _phone(browser, contexts, voila_server, wait_for_voila, name, role, klass, team="1"):
    """A trainee's phone: the desk page, the login, the team and the desk taken."""
    ctx = _context(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    contexts.append(ctx)
    page = ctx.new_page()
    page.goto(voila_server.render_url("live_desk.ipynb"), wait_until="domcontentloaded")
    wait_for_voila(page)
    page.locator(".slrt-f-trainee input").fill(name)
    page.locator(".slrt-f-class input").fill(klass)
    page.locator(".slrt-login-start").click()
    page.locator(".slrt-live-team").get_by_role("button", name=team, exact=True).click()
    page.locator(".slrt-live-role").get_by_role("button", name=t(f"live.desk.{role}"), exact=True).click()
    page.locator(".slrt-live-sit").click()
    page.get_by_text(t("live.ui.waiting_start")).wait_for(state="visible")
    return page


def _projector(browser, contexts, voila_server, wait_for_voila, pin):
    """The trainer's projector page, its PIN given."""
    ctx = _context(browser, viewport={"width": 1920, "height": 1080})
    contexts.append(ctx)
    proj = ctx.new_page()
    proj.goto(voila_server.render_url("live_projector.ipynb"), wait_until="domcontentloaded")
    wait_for_voila(proj)
    proj.locator(".slrt-pin input").fill(pin)
    proj.locator(".slrt-pin-enter").click()
    return proj


def _context(browser, **kw):
    context = browser.new_context(locale="id-ID", **kw)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda route: route.continue_() if LOCAL.match(route.request.url) else route.abort())
    return context


@pytest.mark.browser
@pytest.mark.slow
def test_three_players_and_the_projector(browser, voila_server, wait_for_voila, trainer_pin):
    SessionStore(voila_server.env["SLRT_DB"]).create_class(CLASS, 2018, "sedang", trainer="test")
    contexts = []
    try:
        phones = []
        for name, role in PLAYERS:
            page = _phone(browser, contexts, voila_server, wait_for_voila, name, role, CLASS)
            root = page.locator(".slrt-live-desk").first
            assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
            assert root.evaluate(OVERFLOW_JS) == [] and root.evaluate(SMALL_TARGETS_JS) == []
            phones.append(page)

        proj = _projector(browser, contexts, voila_server, wait_for_voila, trainer_pin)
        roster = proj.locator(".slrt-live-roster")
        roster.wait_for(state="visible")
        for name, _ in PLAYERS:
            assert name in roster.inner_text()
        proj.get_by_label(t("live.ui.speed")).fill("10")
        proj.get_by_label(t("live.ui.days")).fill("30")  # ended by the trainer before its time is up
        proj.locator(".slrt-live-start").click()
        proj.get_by_text(t("live.ui.started", games="1")).wait_for(state="visible")

        answered = 0
        for page in phones:  # each trainee answers the first decision at their desk
            page.locator(".slrt-live-answers .jupyter-button").first.wait_for(state="visible")
            assert page.locator(".slrt-live-card").inner_text().strip()
            page.locator(".slrt-live-answers .jupyter-button").first.click()
            page.locator(".slrt-live-did").get_by_text(re.compile(".+")).wait_for(state="visible")
            answered += 1
            root = page.locator(".slrt-live-desk").first
            assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
            assert root.evaluate(SMALL_TARGETS_JS) == []

        view = proj.locator(".slrt-live-view")
        view.get_by_text(t("live.proj.exclusion")).wait_for(state="visible")
        assert PLAYERS[0][0] in view.inner_text() and t("live.proj.waiting") in view.inner_text()
        assert view.evaluate(SMALLEST_TEXT_JS) >= 20
        proj.locator(".slrt-live-end").click()
        debrief = proj.locator(".slrt-live-debrief")
        debrief.get_by_text(t("live.debrief.missed")).wait_for(state="visible")
        text = debrief.inner_text()
        assert all(name in text for name, _ in PLAYERS) and t("live.debrief.rules") in text
        assert debrief.evaluate(SMALLEST_TEXT_JS) >= 20
        assert answered == 3
        phones[0].get_by_text(t("live.ui.ended")).wait_for(state="visible")
    finally:
        for ctx in contexts:
            ctx.close()


SEVEN = (("Ani Kelas", "fo"), ("Budi Kelas", "fo"), ("Citra Kelas", "bo"), ("Dedi Kelas", "bo"),
         ("Eka Kelas", "manager"), ("Fajar Kelas", "fasilitator"), ("Gita Kelas", "supervisor"))


@pytest.mark.browser
@pytest.mark.slow
def test_a_class_of_seven_plays_a_30_day_kelurahan_to_the_debrief(browser, voila_server, wait_for_voila, trainer_pin):
    """A whole team on phones and the projector: the start form's plan, a 30-day kelurahan at 4 s a
    working day (about 90 s) with 60 s to answer, each trainee answering what comes to their desk;
    the game ends by itself and the debrief opens with what the team did against the rules."""
    SessionStore(voila_server.env["SLRT_DB"]).create_class("KELAS-7", 2018, "sedang", trainer="test")
    contexts = []
    try:
        phones = [_phone(browser, contexts, voila_server, wait_for_voila, name, role, "KELAS-7") for name, role in SEVEN]
        proj = _projector(browser, contexts, voila_server, wait_for_voila, trainer_pin)
        plan = proj.locator(".slrt-live-plan")
        plan.get_by_text(t("live.ui.plan", days=30, workdays=22, minutes="20", answer=20)).wait_for(state="visible")
        roster = proj.locator(".slrt-live-roster").inner_text()
        assert all(name in roster for name, _ in SEVEN)
        proj.get_by_label(t("live.ui.speed")).fill("4")
        proj.get_by_label(t("live.ui.speed")).press("Tab")  # a number field's value counts once it is left
        proj.get_by_label(t("live.ui.answer_seconds")).fill("60")
        proj.get_by_label(t("live.ui.answer_seconds")).press("Tab")
        plan.get_by_text(t("live.ui.plan", days=30, workdays=22, minutes="1", answer=60)).wait_for(state="visible")
        proj.locator(".slrt-live-start").click()
        before, after = t("live.ui.started", games="#").split("#")  # the server's lobby may hold earlier games
        proj.get_by_text(re.compile(re.escape(before) + r"\d+" + re.escape(after))).wait_for(state="visible")

        answered = {name: 0 for name, _ in SEVEN}
        debrief = proj.locator(".slrt-live-debrief")
        deadline = time.monotonic() + 22 * 4 * 3 + 60
        while not debrief.inner_text().strip() and time.monotonic() < deadline:
            for (name, _), page in zip(SEVEN, phones):
                buttons = page.locator(".slrt-live-answers .jupyter-button")
                if buttons.count():
                    try:
                        buttons.first.click(timeout=5_000)
                        answered[name] += 1
                    except PlaywrightError:  # the decision left meanwhile (its answer came back first)
                        pass
            time.sleep(0.5)
        assert sum(answered.values()) >= 10 and sum(n > 0 for n in answered.values()) >= 5, answered
        debrief.get_by_text(t("live.debrief.missed")).wait_for(state="visible")
        assert t("live.ui.time_up") in proj.locator(".slrt-live-proj").first.inner_text()
        text = debrief.inner_text()
        assert all(name in text for name, _ in SEVEN)
        assert "100%" not in proj.locator(".slrt-live-view").inner_text()  # the view gave way to the debrief
        summary = proj.locator(".slrt-live-summary li")
        assert summary.count() >= 3
        opening = t("live.sum.met", team="#", rules="", waiting="", rules_waiting="", verdict="").split("#")[0]
        assert summary.first.inner_text().startswith(opening)
        for page in phones:
            page.get_by_text(t("live.ui.ended")).wait_for(state="visible")
            assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    finally:
        for ctx in contexts:
            ctx.close()
