"""Case cards printed by Chromium: one A6 page (105 × 148 mm) per card, no extra page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from slrt_sim import cli

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "pelatihan_satu_kelurahan.yaml"
MM = 72 / 25.4  # PDF points per millimetre


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in mm of each page of a Chromium PDF (one MediaBox per page)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [((float(x1) - float(x0)) / MM, (float(y1) - float(y0)) / MM) for x0, y0, x1, y1 in boxes]


@pytest.mark.browser
@pytest.mark.parametrize("n", [6, 20])
def test_cards_print_one_a6_page_per_card(browser, tmp_path, n):
    assert cli.main(["cards", str(SCENARIO), "--n", str(n), "--seed", "5", "--out", str(tmp_path),
                     "--level", "sulit"]) == 0
    page = browser.new_page()
    try:
        page.goto((tmp_path / "cards.html").as_uri())
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.close()
    pages = pdf_pages(pdf)
    assert len(pages) == n
    for w, h in pages:
        assert abs(w - 105) < 1 and abs(h - 148) < 1, (w, h)
