"""The live fasilitator desk on a phone (390 x 844, then 360 px) through the class server: a new
fasilitator logs in and takes team 1's fasilitator desk, the trainer starts the game from the
projector page (the class chosen on its start form: the newest), the fasilitator chooses whom to
visit from the list (a verval visit as soon as one is offered), sees the visit (the story: house,
land, work, assets, members; the members' table), records the indicators with one field wrong (it
is marked in the form and nothing typed is lost), corrects it and sees what the recording did; the
trainer ends the game and its debrief is kept under the class chosen at the start.

A game at 5 s a working day: the first verval proposals reach the fasilitator after about 17
simulated days (~90 s); until then the fasilitator visits households from the list, as a player
would. The visit's form has ``GameConfig.form_seconds`` (60 s) before the rules take it."""
from __future__ import annotations

import re
import time

import pytest

from slrt_sim.i18n import t
from slrt_sim.training import home_visit as hv
from slrt_sim.training.store import SessionStore
from test_live_browser import _phone, _projector  # a trainee's desk taken, the trainer's page opened (offline)
from test_phone import OVERFLOW_JS, SMALL_TARGETS_JS  # the phone checks of every app (tests/browser/ is on the path)

VERVAL_WITHIN_S = 240
CLASS = "LIVE-FASIL"
PLAYER = "Dewi Fasilitator"


def _fits(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    root = page.locator(".slrt-live-desk").first
    assert root.evaluate(OVERFLOW_JS) == []
    assert root.evaluate(SMALL_TARGETS_JS) == []


def _choose(form, field: str, nth: int = 0) -> str:
    """Press the ``nth`` choice of ``field``; its label."""
    button = form.locator(f".slrt-live-f-{field} button").nth(nth)
    label = button.inner_text().strip()
    button.click()
    return label


def _to_the_visit_form(phone) -> dict:
    """Choose whom to visit until a verval visit's form is on the page: a verval household when
    one is offered, else the first on the list (an outreach visit). What the page said on the way."""
    seen = {"choices": 0, "outreach": 0}
    deadline = time.monotonic() + VERVAL_WITHIN_S
    form = phone.locator(".slrt-live-visit-form")
    while time.monotonic() < deadline:
        phone.locator(".slrt-live-visit-choices button, .slrt-live-visit-form").first.wait_for(state="visible")
        if form.count() and form.is_visible():
            return seen
        card = phone.locator(".slrt-live-card").inner_text()
        if t("live.point.choose_visit") not in card:
            continue
        if not seen["choices"]:
            assert t("live.visit.intro") in card
            _fits(phone)
        seen["choices"] += 1
        verval = phone.locator(".slrt-live-visit-choices .slrt-live-visit-verval")
        button = verval.first if verval.count() else phone.locator(".slrt-live-visit-choices button").first
        name = button.inner_text().split(" · ")[0].strip()
        try:
            button.click(timeout=3_000)
        except Exception:  # noqa: BLE001 - the page moved on (a newer list) between looking and pressing
            continue
        if not verval.count():
            seen["outreach"] += 1
            said = re.compile(f"{re.escape(name)}|{re.escape(t('live.answer.late'))}")
            phone.locator(".slrt-live-did").get_by_text(said).wait_for(state="visible")  # the visit, or too late
    raise AssertionError(f"no verval visit offered within {VERVAL_WITHIN_S} s: {seen}")


@pytest.mark.browser
@pytest.mark.slow
def test_a_fasilitator_chooses_visits_and_records_a_verval_on_a_phone(browser, voila_server, wait_for_voila,
                                                                       trainer_pin):
    store = SessionStore(voila_server.env["SLRT_DB"])
    store.create_class("LIVE-OLDER", 2018, "sedang", trainer="test")
    store.create_class(CLASS, 2018, "sedang", trainer="test")  # the newest: the start form's default
    contexts = []
    try:
        phone = _phone(browser, contexts, voila_server, wait_for_voila, PLAYER, "fasilitator", CLASS)
        _fits(phone)
        proj = _projector(browser, contexts, voila_server, wait_for_voila, trainer_pin)
        proj.locator(".slrt-live-roster").get_by_text(PLAYER).wait_for(state="visible")
        assert proj.locator(".slrt-live-class select").input_value() == CLASS
        proj.get_by_label(t("live.ui.speed")).fill("5")
        proj.get_by_label(t("live.ui.days")).fill("60")
        proj.locator(".slrt-live-start").click()
        proj.get_by_text(t("live.ui.saved_in", klass=CLASS), exact=False).wait_for(state="visible")

        seen = _to_the_visit_form(phone)
        assert seen["choices"] >= 1
        card = phone.locator(".slrt-live-card")
        text = card.inner_text()
        assert t("live.point.record_visit") in text
        assert len(card.locator("p").all()) >= 6  # the head's name, then house, land, work, assets, members
        assert t("live.ui.members") in phone.locator(".slrt-live-desk").inner_text()  # the members' table
        left = phone.locator(".slrt-live-left").inner_text()
        assert int(re.search(r"\d+", left).group()) >= 30  # time to read and record (form_seconds)
        _fits(phone)

        form = phone.locator(".slrt-live-visit-form")
        chosen = {f: _choose(form, f) for f in ("floor", "wall", "roof", "owns_land", "work")}
        form.locator(".slrt-live-f-assets input").first.check()
        form.locator(".slrt-live-f-size input").fill("banyak")  # a word, not a number
        form.locator(".slrt-live-visit-submit").click()
        form.locator(".slrt-live-f-size.slrt-invalid").wait_for(state="attached")
        assert t("hv.err.size", max=hv.MAX_SIZE) in form.inner_text()
        for field, label in chosen.items():  # nothing typed is lost
            assert form.locator(f".slrt-live-f-{field} .mod-active").inner_text().strip() == label
        assert form.locator(".slrt-live-f-assets input").first.is_checked()
        assert form.locator(".slrt-live-f-size input").input_value() == "banyak"
        phone.set_viewport_size({"width": 360, "height": 780})  # a smaller phone
        _fits(phone)
        form.locator(".slrt-live-f-size input").fill("4")
        form.locator(".slrt-live-visit-submit").click()
        did = phone.locator(".slrt-live-did")
        did.get_by_text(t("live.did.recorded"), exact=False).wait_for(state="visible")
        _fits(phone)

        proj.locator(".slrt-live-end").click()
        debrief = proj.locator(".slrt-live-debrief")
        debrief.get_by_text(t("live.debrief.missed")).wait_for(state="visible")
        assert PLAYER in debrief.inner_text()
        saved = store.debriefs(CLASS)
        assert saved and PLAYER in [p["player"] for p in saved[-1]["debrief"]["players"]]
        assert store.debriefs("LIVE-OLDER") == []
    finally:
        for ctx in contexts:
            ctx.close()
