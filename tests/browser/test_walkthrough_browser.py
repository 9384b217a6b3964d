"""The walkthrough in a real browser: step through the flow, run a what-if, see the comparison; offline."""
from __future__ import annotations

import re

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
    assert not page_errors
    assert_no_external_requests()
