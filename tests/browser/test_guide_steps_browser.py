"""Section 2 of the trainer guide done as a new trainer does it: every control found by the label
the guide quotes (the text on the screen, not a CSS class), in the order the guide gives."""
from __future__ import annotations

import pytest

from slrt_sim.apps import guides
from slrt_sim.i18n import t

GUIDE = " ".join((guides.DOCS / "panduan-pelatih.md").read_text(encoding="utf-8").split())


def quoted(key: str) -> str:
    """The Indonesian label of ``key``, which the guide must quote in bold."""
    label = t(key, lang="id")
    assert f"**{label}**" in GUIDE, f"the trainer guide does not name {label!r} ({key})"
    return label


@pytest.mark.browser
def test_creating_a_class_by_the_labels_of_the_trainer_guide(page, voila_server, wait_for_voila, trainer_pin,
                                                             assert_no_external_requests):
    page.goto(voila_server.url + "/", wait_until="domcontentloaded")
    page.get_by_role("link", name=t("landing.app.trainer_dashboard", lang="id")).click()
    wait_for_voila(page)
    page.get_by_label(quoted("dash.pin.label")).fill(trainer_pin)
    page.get_by_role("button", name=quoted("dash.pin.button")).click()
    # "Klik judul Buat kelas baru (bagian itu terlipat)"
    page.get_by_text(quoted("dash.class.new"), exact=True).click()
    page.get_by_label(quoted("dash.class.code"), exact=True).fill("PANDUAN1")
    page.get_by_label(quoted("dash.class.seed"), exact=True).fill("7")
    page.get_by_label(quoted("dash.class.level"), exact=True).select_option(label="sedang")
    page.get_by_label(quoted("dash.class.trainer"), exact=True).fill("Ana Sari")
    page.get_by_role("button", name=quoted("dash.class.create")).click()
    assert '"Kelas … disimpan"' in GUIDE
    page.get_by_text(t("dash.class.created", lang="id", code="PANDUAN1", seed=7, level="sedang")).wait_for()
    # "kelas baru muncul di Pilih kelas"
    choose = page.get_by_label(quoted("dash.class.choose"))
    choose.locator("option", has_text="PANDUAN1").wait_for(state="attached")
    # the tabs the guide's section 5 walks through, by their names
    for key in ("dash.tab.live", "dash.tab.mistakes", "dash.tab.discussion", "dash.tab.export", "oc.class.tab"):
        assert page.get_by_role("tab", name=quoted(key)).count() == 1, key
    page.get_by_text(quoted("hall.switch.label")).wait_for()
    assert_no_external_requests()
