"""The guides of docs/ as HTML pages of the class server (slrt_sim.apps.guides)."""
from __future__ import annotations

import re

from slrt_sim.apps import guides


def test_every_guide_renders_as_one_offline_page():
    names = guides.available()
    for name in ("panduan-pelatih", "lembar-fasilitator", "panduan-perencana", "model", "developer",
                 "en/trainer-guide", "en/fasilitator-sheet", "en/planner-guide"):
        assert name in names
    for name in names:
        page = guides.render(name)
        assert page.startswith("<!DOCTYPE html>") and "<h1>" in page, name
        assert "@page { size: A4" in page  # printable to A4
        # nothing from another host: no src at all, no http(s) stylesheet or script
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?:""", page), name


def test_links_between_guides_point_at_their_pages_and_others_lose_the_link():
    page = guides.render("panduan-pelatih")
    assert 'href="en/trainer-guide.html"' in page
    page = guides.render("en/trainer-guide")
    assert 'href="../panduan-pelatih.html"' in page
    assert 'href="../../voila/render/index.ipynb"' in page  # back to the landing page
    for name in guides.available():
        for href in re.findall(r'href="([^"]+)"', guides.render(name)):
            assert not href.endswith(".md"), (name, href)  # the repository itself is not served


def test_unknown_or_unsafe_names_are_not_served():
    for name in ("nope", "../README", "en/../../pyproject", "PANDUAN-PELATIH", "en/x/y"):
        assert guides.render(name) is None


def test_the_fasilitator_sheet_prints_as_one_page_layout():
    assert '<main class="slrt-one-page">' in guides.render("lembar-fasilitator")
    assert '<main class="slrt-one-page">' in guides.render("en/fasilitator-sheet")
    assert '<main class="slrt-one-page">' not in guides.render("panduan-pelatih")


def test_the_landing_page_links_each_guide_in_its_language():
    id_links = dict((label, href) for href, label in guides.landing_links("id"))
    en_links = [href for href, _ in guides.landing_links("en")]
    assert "../../panduan/panduan-pelatih.html" in id_links.values()
    assert "../../panduan/en/trainer-guide.html" in en_links
    assert "../../panduan/en/install.html" in en_links
    assert "../../panduan/model.html" in en_links  # English only
    assert len(en_links) == len(id_links)


# Buttons, tabs and fields the guides tell users to press or fill, by catalogue key: when an
# app renames one, the guide that names it must change too.
GUIDE_LABELS = {
    "panduan-pelatih": ("dash.pin.label", "dash.pin.button", "dash.class.new", "dash.class.code", "dash.class.seed",
                        "dash.class.level", "dash.class.trainer", "dash.class.create", "dash.projector", "dash.live",
                        "dash.tab.live", "dash.tab.mistakes", "dash.tab.discussion", "dash.tab.export",
                        "dash.progress.title", "dash.discussion.answer", "dash.export.csv", "dash.export.xlsx",
                        "oc.class.tab", "walk.tab.steps", "walk.tab.year", "walk.tab.whatif", "walk.run",
                        "rp.login.name", "rp.login.code", "rp.login.start", "rp.fo.dtks.search", "rp.fo.submit",
                        "rp.fo.next", "bo.check.button", "bo.verval.button", "bo.submit", "oc.ui.yours", "oc.ui.key",
                        "landing.app.trainer_dashboard", "landing.app.roleplay_front_office",
                        "landing.app.roleplay_back_office", "landing.app.walkthrough"),
    "lembar-fasilitator": ("rp.login.name", "rp.login.code", "rp.login.start", "rp.fo.dtks.search",
                           "rp.fo.form.title", "rp.fo.submit", "rp.fo.next", "bo.check.button", "bo.verval.button",
                           "bo.quota.title", "bo.submit", "oc.ui.yours", "oc.ui.key", "rp.decision.close_info",
                           "landing.app.roleplay_front_office", "landing.app.roleplay_back_office"),
    "panduan-perencana": ("plan.source", "plan.source.scenario", "plan.source.manual", "plan.area",
                          "plan.manual.households", "plan.manual.poverty", "plan.manual.puskesos", "plan.staff.heading",
                          "plan.staff.fasilitators", "plan.staff.fo", "plan.staff.bo", "plan.run", "plan.rule",
                          "plan.rule.ci", "plan.download", "plan.replications", "walk.tab.whatif"),
}


def test_the_guides_name_the_apps_buttons_as_the_apps_do():
    from slrt_sim.i18n import t

    for name, keys in GUIDE_LABELS.items():
        text = " ".join((guides.DOCS / f"{name}.md").read_text(encoding="utf-8").split())
        missing = [f"{k}: {t(k, lang='id')!r}" for k in keys if t(k, lang="id") not in text]
        assert not missing, f"{name}.md does not name: " + "; ".join(missing)
