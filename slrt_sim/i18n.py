"""The one catalogue of user-facing text.

Every string a user sees (apps, notebook narrative, CLI messages, plot labels,
result names) is looked up here by key. Bahasa Indonesia is the default
language; English is available with ``set_language("en")`` or the environment
variable ``SLRT_LANG=en``. Keys live in the YAML files of ``slrt_sim/catalogue/`` (one file per
area of the kit, merged into one catalogue; a key defined twice is an error),
each with an ``id`` and an ``en`` text; ``tests/test_i18n.py`` checks that every
key has both and that every key used in the code exists.

Number formatting follows the language too: Indonesian uses ``.`` for
thousands and ``,`` for decimals (``1.234,5``).
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_state = {"lang": os.environ.get("SLRT_LANG", DEFAULT_LANGUAGE)}
if _state["lang"] not in LANGUAGES:
    _state["lang"] = DEFAULT_LANGUAGE


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Return the whole catalogue: ``{key: {"id": text, "en": text}}``."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("slrt_sim").joinpath("catalogue")
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(item.read_text(encoding="utf-8")) or {}
        for key, entry in data.items():
            if key in merged:
                raise ValueError(f"catalogue key {key!r} defined twice (again in {item.name})")
            merged[str(key)] = entry
    return merged


def set_language(lang: str) -> None:
    """Switch the language of every later :func:`t` call (``"id"`` or ``"en"``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    _state["lang"] = lang


def get_language() -> str:
    return _state["lang"]


def t(key: str, /, lang: str | None = None, **fields: Any) -> str:
    """Translate ``key``; ``fields`` fill ``{name}`` placeholders (a placeholder may be called ``key``:
    ``key`` itself is positional only).

    A missing key raises ``KeyError``: a typo must fail loudly in tests, not
    show a raw key to a class.
    """
    entry = catalogue()[key]
    text = entry[lang or _state["lang"]]
    return text.format(**fields) if fields else text


def has(key: str) -> bool:
    return key in catalogue()


LOCALE = {
    "id": {"group": ".", "decimal": ",", "date": "{day} {month} {year}",
           "months": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                      "Oktober", "November", "Desember"),
           "abbreviated": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")},
    "en": {"group": ",", "decimal": ".", "date": "{month} {day}, {year}",
           "months": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"),
           "abbreviated": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")},
}
"""Number symbols, month names and the long date of each language: Babel's CLDR data
(``tests/test_i18n.py`` checks every entry against ``babel.numbers`` / ``babel.dates``). A
table rather than ``import babel`` at run time: Babel and its locale data take ~10 MB in each
kernel that formats a number, 0.7 GB in a hall of 70."""


def fmt_num(x: float, decimals: int = 0, lang: str | None = None) -> str:
    """Format a number for the current language: ``1.234,5`` (id) or ``1,234.5`` (en)."""
    if x is None or x != x:  # None or NaN
        return "–"
    loc = LOCALE[lang or _state["lang"]]
    return f"{x:,.{decimals}f}".replace(",", "\x00").replace(".", loc["decimal"]).replace("\x00", loc["group"])


def month_names(lang: str | None = None, width: str = "wide") -> tuple[str, ...]:
    """The twelve month names of ``lang``: ``wide`` ("Agustus") or ``abbreviated`` ("Agu")."""
    return LOCALE[lang or _state["lang"]]["months" if width == "wide" else "abbreviated"]


def fmt_date(d, lang: str | None = None) -> str:
    """A date as written in a letter: "17 Agustus 2026" (id) or "August 17, 2026" (en)."""
    loc = LOCALE[lang or _state["lang"]]
    return loc["date"].format(day=d.day, month=loc["months"][d.month - 1], year=d.year)


def fmt_pct(x: float, decimals: int = 1, lang: str | None = None) -> str:
    """Format a share (0..1) as a percentage in the current language."""
    if x is None or x != x:
        return "–"
    return fmt_num(100.0 * x, decimals, lang) + "%"


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


def category_label(column: str, value: Any, lang: str | None = None) -> str:
    """User-facing label of a category value, e.g. ``category_label("occupation", "buruh tani")``.

    Keys are ``pop.<column>.<slug>`` in ``catalogue/population.yaml`` (``slrt_sim.population``
    re-exports this as ``label``; it lives here so that the role-play kernels need no pandas).
    """
    return t(f"pop.{column}.{_slug(str(value))}", lang)
