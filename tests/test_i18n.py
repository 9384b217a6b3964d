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


def test_number_and_date_formats_are_babels():
    """i18n.LOCALE is Babel's CLDR data (a table: Babel costs each kernel ~10 MB)."""
    import datetime as dt

    from babel.dates import format_date, get_month_names
    from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

    from slrt_sim.i18n import LOCALE, fmt_date, fmt_num, month_names

    assert set(LOCALE) == {"id", "en"}
    for lang in LOCALE:
        assert (LOCALE[lang]["group"], LOCALE[lang]["decimal"]) == (get_group_symbol(locale=lang),
                                                                    get_decimal_symbol(locale=lang))
        for width in ("wide", "abbreviated"):
            babel = get_month_names(width, locale=lang)
            assert month_names(lang, width) == tuple(babel[m] for m in range(1, 13))
        for d in (dt.date(2026, 8, 17), dt.date(2025, 1, 6), dt.date(2027, 12, 31)):
            assert fmt_date(d, lang) == format_date(d, format="long", locale=lang)
        for x, decimals in ((1234567.25, 1), (-1234, 0), (0.5, 2), (98765.4321, 3)):
            assert fmt_num(x, decimals, lang) == format_decimal(x, format="#,##0." + "0" * decimals if decimals
                                                                else "#,##0", locale=lang)
    assert fmt_num(float("nan")) == "–" and fmt_date(dt.date(2026, 8, 17), "id") == "17 Agustus 2026"
