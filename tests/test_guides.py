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


# Bold text in a guide is either what the user sees on the screen (a button, tab, field, heading,
# message) or plain emphasis listed here. What is on the screen must be a catalogue string (or a
# piece of one), so a label the guide misquotes, or that an app renames, fails here.
EMPHASIS = {
    "panduan-pelatih": {"Internet tidak diperlukan", "Pasang kit", "Coba sekali di rumah", "satu HP",
                        "Di tempat pelatihan, sehari sebelumnya bila bisa", "Kartu kasus cetak", "tersendiri",
                        "alamat untuk peserta", "Isolasi klien", "Firewall"},
    "lembar-fasilitator": {"Wi-Fi pelatihan", "alamat dari pelatih"},
    "panduan-perencana": {"siklus dan kuota program", "total staf paling sedikit", "paling dekat"},
    "en/trainer-guide": {"No internet is needed", "Install the kit", "Try it once at home", "one phone",
                         "At the venue, the day before if possible", "Printed case cards", "of their own",
                         "address for trainees", "Client isolation", "firewall", "blank"},
    "en/fasilitator-sheet": {"training Wi-Fi", "the address from the trainer"},
    "en/planner-guide": {"programme cycles and quotas", "least total staff", "closest"},
}
GUIDE_LANGS = {"panduan-pelatih": ("id",), "lembar-fasilitator": ("id",), "panduan-perencana": ("id",),
               "en/trainer-guide": ("id", "en"), "en/fasilitator-sheet": ("id", "en"),
               "en/planner-guide": ("id", "en")}  # the English guides quote the apps' Indonesian labels too


def screen_texts(langs) -> list[str]:
    """Every catalogue string in ``langs``, one line each, a ``{field}`` written as ``#``."""
    from slrt_sim.i18n import catalogue

    return [re.sub(r"\{[^{}]*\}", "#", " ".join(entry[lang].split()))
            for entry in catalogue().values() for lang in langs if isinstance(entry.get(lang), str)]


def on_screen(phrase: str, texts: list[str]) -> bool:
    """``phrase`` (quotes and "…" gaps allowed; "A / B" for two buttons) is in some catalogue string.
    A number stands for a field (``30 detik`` for ``{seconds} detik``); a leading step number
    (``1 Identitas``) is the step button's, not the label's."""
    for part in (p.strip() for p in re.split(r"…| / ", phrase.strip('"')) if p.strip()):
        candidates = {part, re.sub(r"\d+", "#", part), re.sub(r"^\d+ ", "", part)}
        if not any(c in text for c in candidates for text in texts):
            return False
    return True


def test_on_screen_tells_a_label_from_a_made_up_one():
    texts = screen_texts(("id",))
    assert on_screen("Buat / perbarui kelas", texts) and on_screen("1 Identitas", texts)
    assert on_screen('"Server sedang penuh, coba lagi dalam 30 detik"', texts)
    assert on_screen('"Kelas siap: … halaman aplikasi kelas sudah disiapkan."', texts)
    assert not on_screen("Ditolak oleh kantor program", texts)  # the app says "Ditolak oleh kantor PKH: …"
    assert not on_screen("Tampilkan jawaban", texts)


def test_every_bold_label_in_the_guides_is_on_the_screen():
    for name, langs in GUIDE_LANGS.items():
        texts = screen_texts(langs)
        source = (guides.DOCS / f"{name}.md").read_text(encoding="utf-8")
        bold = {" ".join(b.split()) for b in re.findall(r"\*\*([^*]+)\*\*", source)}
        stale = EMPHASIS[name] - bold
        assert not stale, f"{name}.md: no longer in bold, drop from EMPHASIS: {sorted(stale)}"
        missing = sorted(b for b in bold - EMPHASIS[name] if not on_screen(b, texts))
        assert not missing, f"{name}.md quotes labels that no app shows: {missing}"


def test_the_timeline_lines_the_sheets_explain_are_the_apps():
    """The fasilitator sheet's timeline list quotes the app's lines in italics, with … for the parts
    that change (programme, need)."""
    for name in ("lembar-fasilitator", "en/fasilitator-sheet"):
        source = (guides.DOCS / f"{name}.md").read_text(encoding="utf-8")
        section = source.split("## ")[-1]
        quoted = re.findall(r"^- \*([^*]+)\*:", section, re.M)
        assert len(quoted) >= 4, name
        texts = screen_texts(("id",))
        assert [q for q in quoted if not on_screen(q, texts)] == [], name
