"""The staffing planner in a real browser: a Kota Pekalongan village, run, see the recommendation; offline."""
from __future__ import annotations

import re

import pytest

from slrt_sim.experiments import planner as P
from slrt_sim.experiments.warmup import REPLICATIONS
from slrt_sim.i18n import t
from slrt_sim.domain.scenario import load_scenario


@pytest.mark.browser
def test_planner_recommendation_for_pekalongan_village(open_app, page_errors, assert_no_external_requests):
    s = load_scenario(P.SCENARIOS_DIR / "kota_pekalongan.yaml")
    medono = next(label for label, a in P.areas(s) if a.village == "Medono")

    page = open_app("planner.ipynb")
    page.get_by_text(t("plan.title", lang="id")).wait_for(state="visible")
    area = page.locator("select").filter(has=page.locator("option", has_text="Medono"))
    area.select_option(label=medono)
    page.get_by_text(re.compile(rf"18 kombinasi, paling banyak {REPLICATIONS} replikasi: "
                                rf"paling banyak {18 * REPLICATIONS} simulasi")).wait_for(
        state="visible")

    page.get_by_role("button", name=t("plan.run", lang="id"), exact=True).click()
    rec = page.locator(".slrt-recommendation")
    rec.wait_for(state="visible", timeout=240_000)
    text = rec.inner_text()
    assert text.startswith("Rekomendasi:"), text
    assert "fasilitator per desa" in text and "staf" in text

    # the table with confidence intervals, the Erlang C comparison and the Excel link
    page.get_by_text(t("plan.results.heading", lang="id")).wait_for(state="visible", timeout=30_000)
    page.get_by_text(t("plan.erlang.heading", lang="id")).wait_for(state="visible", timeout=30_000)
    assert page.locator("ul.slrt-erlang li").count() >= 2
    link = page.locator("a.slrt-download")
    assert link.get_attribute("download") == "rencana_staf_slrt.xlsx"
    assert link.get_attribute("href").startswith("data:application/vnd.openxmlformats")
    done = page.get_by_text(re.compile(r"^Selesai: \d+ simulasi dalam [\d,]+ detik"))
    assert done.is_visible()
    runs = int(re.search(r"Selesai: (\d+) simulasi", done.inner_text()).group(1))
    assert 0 < runs <= 18 * REPLICATIONS  # the planner searches: at most the whole grid
    assert not page_errors
    assert_no_external_requests()
