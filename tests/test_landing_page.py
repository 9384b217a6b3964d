"""The landing page module (slrt_sim.apps.landing) without a browser."""
from __future__ import annotations

import re

import pytest

from slrt_sim import i18n

from slrt_sim.apps import landing
from slrt_sim.i18n import t


@pytest.fixture(autouse=True)
def indonesian():
    before = i18n.get_language()
    i18n.set_language("id")
    yield
    i18n.set_language(before)


def test_only_existing_app_notebooks_are_listed(tmp_path):
    assert landing.available_apps(tmp_path) == []
    (tmp_path / "planner.ipynb").write_text("{}")
    (tmp_path / "roleplay_front_office.ipynb").write_text("{}")
    (tmp_path / "unrelated.ipynb").write_text("{}")
    (tmp_path / "walkthrough.ipynb").mkdir()  # a folder is not a notebook
    apps = landing.available_apps(tmp_path)
    assert [a.notebook for a in apps] == ["roleplay_front_office.ipynb", "planner.ipynb"]
    assert apps[1].voila_path == "/voila/render/planner.ipynb"


def test_page_is_indonesian_by_default_with_relative_links(tmp_path):
    (tmp_path / "trainer_dashboard.ipynb").write_text("{}")
    page = landing.render_html(tmp_path)
    assert t("landing.title", lang="id") in page
    assert t("landing.title", lang="en") not in page
    links = re.findall(r'href="([^"]+)"', page)
    assert [h for h in links if not h.startswith("../../panduan/")] == ["trainer_dashboard.ipynb"]
    assert "../../panduan/panduan-pelatih.html" in links  # the guides, served at /panduan/ (relative links)
    for key in ("landing.who.trainers", "landing.who.facilitators", "landing.who.planners"):
        assert t(key, lang="id") in page


def test_page_without_apps_says_so(tmp_path):
    page = landing.render_html(tmp_path, lang="en")
    assert t("landing.apps.none", lang="en") in page
    assert 'class="slrt-app"' not in page


def test_every_app_has_a_name_and_description_in_both_languages():
    for _, key in landing.APPS:
        for lang in i18n.LANGUAGES:
            assert t(key, lang=lang) and t(key + ".desc", lang=lang)


def test_toggle_switches_the_language(tmp_path):
    box = landing.show(tmp_path)
    _css, page, toggle = box.children  # the buttons first, the language toggle below them
    assert t("landing.title", lang="id") in page.value
    toggle.value = "en"
    assert t("landing.title", lang="en") in page.value
    assert toggle.description == t("landing.language", lang="en")


def test_landing_notebook_is_committed_without_outputs():
    import nbformat

    from slrt_sim import paths

    nb = nbformat.read(paths.NOTEBOOKS / "index.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert all(len(c.source.splitlines()) <= 5 for c in nb.cells)  # logic lives in slrt_sim.apps.landing


def test_footer_shows_the_installed_version():
    import slrt_sim
    from importlib.metadata import version

    assert slrt_sim.__version__ == version("slrt-sim")
    for lang in i18n.LANGUAGES:
        page = landing.render_html(lang=lang)
        assert t("landing.version", lang=lang, version=version("slrt-sim")) in page
    assert "slrt-sim versi " + version("slrt-sim") in landing.render_html(lang="id")
