"""The fasilitator sheet, as the class server serves it, prints on one A4 page (Chromium's
print to PDF), with all its text."""
from __future__ import annotations

import re

import pytest

from slrt_sim.apps import guides

SHEETS = ("lembar-fasilitator", "en/fasilitator-sheet")


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF (Chromium writes their dictionaries uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.browser
def test_pdf_page_count_of_a_known_document(browser):
    page = browser.new_page()
    try:
        page.set_content("<p>satu</p><p style='break-before: page'>dua</p>")
        assert pdf_pages(page.pdf(format="A4")) == 2
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", SHEETS)
def test_fasilitator_sheet_prints_on_one_a4_page(name, page, voila_server, assert_no_external_requests):
    page.goto(f"{voila_server.url}/panduan/{name}.html")
    page.emulate_media(media="print")
    printed = page.locator("main").inner_text()
    source = (guides.DOCS / f"{name}.md").read_text(encoding="utf-8")
    for heading in re.findall(r"^#{1,2} (.+)$", source, re.M):  # every section is printed
        assert heading.strip() in printed, heading
    last = [line for line in source.splitlines() if line.strip()][-1]
    assert last.split()[-1].strip("*._") in printed
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf_pages(pdf) == 1, f"{name} prints on {pdf_pages(pdf)} pages"
    assert_no_external_requests()
