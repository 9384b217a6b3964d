"""The landing page in a real browser, served as by ``make app``, fully offline."""
from __future__ import annotations

import json
import re
import shutil
import urllib.request

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from slrt_sim.apps import landing

from benchmarks.voila_process import VoilaProcess
from slrt_sim import paths
from slrt_sim.i18n import t


@pytest.mark.browser
def test_root_redirects_to_landing(page, voila_server, wait_for_voila, assert_no_external_requests):
    page.goto(voila_server.url + "/")
    page.wait_for_url(re.compile(r"/voila/render/index\.ipynb$"))
    wait_for_voila(page)
    page.get_by_role("heading", name=t("landing.title", lang="id")).wait_for(state="visible")
    assert_no_external_requests()


@pytest.mark.browser
def test_landing_indonesian_links_resolve_offline(open_app, voila_server, assert_no_external_requests):
    page = open_app("index.ipynb")
    title = page.get_by_role("heading", name=t("landing.title", lang="id"))
    title.wait_for(state="visible")
    assert page.get_by_role("heading", name=t("landing.start.heading", lang="id")).is_visible()
    assert page.get_by_text(t("landing.who.heading", lang="id")).count() == 1  # folded under "Apa ini?"
    assert page.get_by_text(t("landing.title", lang="en")).count() == 0  # Indonesian first

    links = page.locator("a.slrt-app")
    shown = [links.nth(i).get_attribute("data-notebook") for i in range(links.count())]
    expected = [app.notebook for app in landing.available_apps(paths.NOTEBOOKS)]
    assert shown == expected  # exactly the apps whose notebook exists, in order
    for i in range(links.count()):
        href = links.nth(i).evaluate("a => a.href")  # absolute URL as the browser resolves it
        assert href.startswith(voila_server.url + "/voila/render/")
        response = page.request.get(href, timeout=180_000)
        assert response.status == 200, f"{href}: HTTP {response.status}"
    assert_no_external_requests()


@pytest.mark.browser
def test_language_toggle_switches_to_english(open_app, assert_no_external_requests):
    page = open_app("index.ipynb")
    page.get_by_role("radio", name="English").or_(page.get_by_role("button", name="English")).click()
    page.get_by_role("heading", name=t("landing.title", lang="en")).wait_for(state="visible")
    assert page.get_by_role("heading", name=t("landing.title", lang="id")).count() == 0
    page.get_by_role("radio", name="Bahasa Indonesia").or_(
        page.get_by_role("button", name="Bahasa Indonesia")
    ).click()
    page.get_by_role("heading", name=t("landing.title", lang="id")).wait_for(state="visible")
    assert_no_external_requests()


def test_landing_starts_no_kernel(voila_server):
    """The landing page is static HTML from the server (slrt_sim.server.pages): a hall of
    trainees opening the kit's address starts no kernel, and no pool is kept for it."""
    with urllib.request.urlopen(voila_server.render_url("index.ipynb"), timeout=120) as resp:
        assert resp.status == 200
        html = resp.read().decode("utf-8")
    assert t("landing.title", lang="id") in html and "kernelId" not in html
    assert "Kernel pool of index.ipynb" not in voila_server.log()
    assert not re.search(r"Using pre-heated kernel: \S+ for index\.ipynb", voila_server.log())
    assert "Culling kernels with idle durations > 180 seconds" in voila_server.log()


# --- the offline template with content that tends to pull assets from CDNs -----------------

PROBE_PIN = "4321"
PROBE_SOURCE = """\
import os
import ipywidgets as widgets
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
display(Markdown("Inline math $e^{i\\\\pi} + 1 = 0$ and a block: $$\\\\sum_{k=1}^{n} k = \\\\frac{n(n+1)}{2}$$"))
display(widgets.VBox([widgets.Button(description="Simpan", icon="check"),
                      widgets.IntSlider(description="Kuota"),
                      widgets.HTMLMath(value="Kuota $q$")]))
fig, ax = plt.subplots(figsize=(3, 2)); ax.plot([0, 1], [1, 0]); plt.show()
print("PIN=" + os.environ["SLRT_TRAINER_PIN"] + " DB=" + os.environ["SLRT_DB"])
"""


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory):
    """Voila with the kit's config on a folder holding the landing page and one probe app."""
    tmp = tmp_path_factory.mktemp("probe")
    folder = tmp / "notebooks"
    folder.mkdir()
    shutil.copy(paths.NOTEBOOKS / "index.ipynb", folder / "index.ipynb")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Probe\n\nMath in markdown: $x^2$\n\n```mermaid\ngraph LR; A-->B\n```"),
            new_code_cell(PROBE_SOURCE),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(nb, folder / "planner.ipynb")  # stands for an app notebook
    server = VoilaProcess(
        pin=PROBE_PIN, db=tmp / "probe.sqlite", log_path=tmp / "voila.log", notebooks=folder
    )
    with server:
        yield server


@pytest.mark.browser
def test_only_existing_apps_are_linked(page, probe_server, wait_for_voila, assert_no_external_requests):
    page.goto(probe_server.render_url("index.ipynb"))
    wait_for_voila(page)
    links = page.locator("a.slrt-app")
    links.first.wait_for(state="visible")
    assert [links.nth(i).get_attribute("data-notebook") for i in range(links.count())] == ["planner.ipynb"]
    assert links.first.locator(".slrt-app-name").inner_text() == t("landing.app.planner", lang="id")
    links.first.click()
    page.wait_for_url(re.compile(r"/voila/render/planner\.ipynb$"))
    wait_for_voila(page)
    assert_no_external_requests()


@pytest.mark.browser
def test_math_mermaid_widgets_and_plots_stay_offline(page, probe_server, wait_for_voila, external_requests):
    page.goto(probe_server.render_url("planner.ipynb"))
    wait_for_voila(page)
    page.get_by_role("button", name="Simpan").wait_for(state="visible")
    page.locator(".jp-RenderedImage img, .jp-OutputArea-output img").first.wait_for(state="visible")
    # MathJax typesets from Voila's own bundle: rendered math, not the raw TeX source
    page.locator("mjx-container").first.wait_for(state="attached")
    # Font Awesome comes from Voila's bundle: the button's icon has a real glyph font
    family = page.locator("button i.fa-check, button i.fa").first.evaluate(
        "el => getComputedStyle(el, '::before').fontFamily"
    )
    assert "Font Awesome" in family
    page.wait_for_timeout(1000)  # let any lazy loader fire
    assert external_requests == []


def test_kernels_get_trainer_pin_and_db(probe_server):
    with urllib.request.urlopen(probe_server.render_url("planner.ipynb"), timeout=120) as resp:
        html = resp.read().decode("utf-8")
    match = re.search(r"PIN=(\d+) DB=([^\s\"\\<]+)", html)
    assert match, "the probe notebook did not print its environment"
    assert match.group(1) == PROBE_PIN
    assert match.group(2) == probe_server.env["SLRT_DB"]
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>',
                                  html, re.S).group(1))
    assert config["kernelId"]
