"""The one catalogue: complete in both languages, and every key the code uses exists."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from slrt_sim import i18n

PKG = Path(__file__).resolve().parent.parent / "slrt_sim"
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z][a-zA-Z0-9_.]*[a-zA-Z0-9_])["']""")  # not "prefix." + x


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_entry_has_both_languages_and_same_placeholders():
    for key, entry in i18n.catalogue().items():
        assert set(entry) == {"id", "en"}, key
        assert entry["id"].strip() and entry["en"].strip(), key
        assert fields(entry["id"]) == fields(entry["en"]), key


def test_every_literal_key_in_the_code_exists():
    missing = []
    for path in PKG.rglob("*.py"):
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if not i18n.has(key):
                missing.append(f"{path.name}: {key}")
    assert not missing, missing


def test_switching_language():
    assert i18n.t("state.served") == "terlayani"
    i18n.set_language("en")
    assert i18n.t("state.served") == "served"
    assert i18n.t("state.served", lang="id") == "terlayani"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_missing_key_fails_loudly():
    with pytest.raises(KeyError):
        i18n.t("no.such.key")


@pytest.mark.parametrize("value,decimals,lang,expected", [
    (1234.5, 1, "id", "1.234,5"),
    (1234.5, 1, "en", "1,234.5"),
    (1234567, 0, "id", "1.234.567"),
    (float("nan"), 1, "id", "–"),
])
def test_number_formatting(value, decimals, lang, expected):
    assert i18n.fmt_num(value, decimals, lang) == expected


def test_percentages():
    assert i18n.fmt_pct(0.4567, 1, "id") == "45,7%"
    assert i18n.fmt_pct(0.4567, 1, "en") == "45.7%"


def test_number_and_date_formats_come_from_babel():
    import datetime as dt

    from slrt_sim.i18n import fmt_date, fmt_num, month_names

    assert fmt_num(1234567.25, 1, "id") == "1.234.567,2" and fmt_num(1234567.25, 1, "en") == "1,234,567.2"
    assert fmt_num(-1234, 0, "id") == "-1.234" and fmt_num(float("nan")) == "–"
    assert fmt_date(dt.date(2026, 8, 17), "id") == "17 Agustus 2026"
    assert month_names("id", "abbreviated")[7] == "Agu" and month_names("en", "abbreviated")[7] == "Aug"
    assert month_names("id")[0] == "Januari" and len(month_names("en")) == 12
