"""The walkthrough in a real browser: step through the flow, run a what-if, see the comparison; offline."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from slrt_sim.i18n import t


@pytest.mark.browser
def test_walkthrough_whatif_comparison_offline(open_app, page_errors, assert_no_external_requests):
    page = open_app("walkthrough.ipynb")
    page.get_by_text(t("walk.title", lang="id")).wait_for(state="visible")

    # tab 1: the steps, in Indonesian, with the funnel figure
    page.get_by_text("Langkah 1 dari 8").wait_for(state="visible")
    page.get_by_role("button", name=t("walk.next", lang="id")).click()
    page.get_by_text("Langkah 2 dari 8").wait_for(state="visible")
    assert page.locator("img").count() >= 1
    # what the figures are: replication 1 of run 1, beside the mean that tab 3 shows
    basis = page.locator(".slrt-walk-basis").first.inner_text()
    met = re.search(r"kebutuhan terpenuhi (\d+,\d%)", basis).group(1)

    # tab 3: what if walk-in only instead of outreach?
    page.get_by_role("tab", name=t("walk.tab.whatif", lang="id")).click()
    page.get_by_role("button", name=t("walk.opt.walkin_only", lang="id"), exact=True).click()
    page.get_by_role("button", name=t("walk.run", lang="id"), exact=True).click()
    done = page.get_by_text(re.compile(r"^Percobaan 2 selesai"))
    done.wait_for(state="visible", timeout=120_000)

    # the comparison keeps run 1 and shows run 2 beside it, with Indonesian numbers
    table = page.locator("table.slrt-compare").filter(has_text="2: " + t("walk.opt.walkin_only", lang="id"))
    table.wait_for(state="visible")
    header = table.locator("thead").inner_text()
    assert "1: " + t("walk.opt.outreach", lang="id") in header
    body = table.locator("tbody").inner_text()
    assert t("kpi.needs_met", lang="id") in body and re.search(r"\d+,\d%", body)
    assert page.get_by_text(re.compile(r"^Dibanding percobaan 1, percobaan 2")).is_visible()
    # the step-by-step figure is in the table, on the row that says it is replication 1's
    rep1 = table.locator("tr").filter(has_text=t("walk.compare.rep1", lang="id")).inner_text()
    assert met in rep1
    # the bars carry the runs' names (legend under the chart): shown for a look in the screenshot
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart = page.locator(".slrt-walk-compare-img")
    chart.scroll_into_view_if_needed()
    assert chart.evaluate("e => e.naturalHeight") > 300
    chart.screenshot(path=str(SHOTS / "walkthrough_whatif_bars.png"))
    assert not page_errors
    assert_no_external_requests()


SHOTS = Path(os.environ.get("SLRT_SHOTS", "/tmp/slrt-shots"))


def _flow_day(page) -> int:
    return int(page.locator(".slrt-flow").get_attribute("data-day"))


def _slider_day(page) -> int:
    return int(page.locator(".slrt-walk-day .widget-readout").inner_text())


@pytest.mark.browser
def test_walkthrough_year_animation_plays_and_pauses(open_app, page_errors, assert_no_external_requests):
    """The year: the households as dots in stage columns, moving with Putar, frozen by Jeda, the
    dots, the slider and the status sentence on the same day."""
    page = open_app("walkthrough.ipynb")
    page.get_by_role("tab", name=t("walk.tab.year", lang="id")).click()
    flow = page.locator(".slrt-flow")
    flow.wait_for(state="visible")
    for col in ("unidentified", "front", "back", "programme", "served", "closed"):
        assert page.locator(f".slrt-flow-col-{col} .slrt-flow-label").inner_text() == t(f"walk.flow.col.{col}", lang="id")
    # day 0: no household served yet; the label is large enough for the back of a hall
    assert page.locator(".slrt-flow-count-served").inner_text() == "0"
    size = page.locator(".slrt-flow-count-served").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 30
    assert flow.get_attribute("data-playing") == "0"
    assert page.locator(".slrt-flow-paused").inner_text() == t("walk.flow.paused", lang="id")

    play = page.locator(".slrt-play")
    play.click()
    page.wait_for_function("() => Number(document.querySelector('.slrt-flow').dataset.day) >= 70", timeout=60_000)
    assert flow.get_attribute("data-playing") == "1"
    assert play.inner_text().strip() == t("walk.year.pause", lang="id")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "walkthrough_flow_playing.png"), full_page=True)
    play.click()  # Jeda
    page.wait_for_function("() => document.querySelector('.slrt-flow').dataset.playing === '0'")
    paused_at = _flow_day(page)
    page.wait_for_timeout(2000)
    assert _flow_day(page) == paused_at  # a real pause: the dots stay on that day
    assert play.inner_text().strip() == t("walk.year.play", lang="id")
    assert _slider_day(page) == paused_at
    page.get_by_text(re.compile(rf"^Hari ke-{paused_at}:")).wait_for(state="visible")
    visible = page.locator(".slrt-flow-dot").evaluate_all("ds => ds.filter(d => d.style.opacity === '1').length")
    counts = sum(int(page.locator(f".slrt-flow-count-{c}").inner_text())
                 for c in ("unidentified", "front", "back", "programme", "served", "closed"))
    assert visible == counts > 0
    assert int(page.locator(".slrt-flow-count-served").inner_text()) > 0
    page.screenshot(path=str(SHOTS / "walkthrough_flow_paused.png"), full_page=True)

    # the slider moves the dots and the sentence to the day typed
    readout = page.locator(".slrt-walk-day .widget-readout")
    readout.click()
    readout.fill("200")
    readout.press("Enter")
    page.wait_for_function("() => document.querySelector('.slrt-flow').dataset.day === '200'")
    page.get_by_text(re.compile(r"^Hari ke-200:")).wait_for(state="visible")
    status = page.get_by_text(re.compile(r"^Hari ke-200:")).inner_text()
    served = page.locator(".slrt-flow-count-served").inner_text()
    assert f"terlayani {served};" in status
    paused_at = 200

    # Putar again goes on from where it paused, not from day 0
    play.click()
    page.wait_for_function(f"() => Number(document.querySelector('.slrt-flow').dataset.day) > {paused_at}")
    play.click()
    assert _flow_day(page) >= paused_at
    assert not page_errors
    assert_no_external_requests()
