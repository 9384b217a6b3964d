"""Limits on what trainees and trainers type: names, class codes, free text.

Names and class codes are at most :data:`MAX_NAME` characters, free-text fields at most
:data:`MAX_TEXT`; Unicode bidirectional control characters (which can make a name display
as something else, e.g. in the trainer's export) are removed everywhere. A value over its
limit raises :class:`InputError`, whose message (catalogue ``input.err.*``) the apps show
next to the field.
"""
from __future__ import annotations

import re
from typing import Any

MAX_NAME = 80
"""Trainee names, trainer names and class codes."""
MAX_TEXT = 2000
"""Free-text fields (the member list, the address, notes)."""

_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


class InputError(ValueError):
    """A typed value is too long (``key`` is the catalogue message, ``limit`` the maximum)."""

    def __init__(self, key: str, limit: int):
        super().__init__(f"{key} (max {limit})")
        self.key, self.limit = key, limit

    def message(self, lang: str | None = None) -> str:
        from slrt_sim.i18n import t

        return t(self.key, lang=lang, max=self.limit)


def strip_bidi(text: Any) -> str:
    """``text`` without bidirectional control characters nor other control characters (but newlines and tabs)."""
    return _CONTROL.sub("", _BIDI.sub("", str(text if text is not None else "")))


def too_long(text: Any, limit: int) -> bool:
    return len(strip_bidi(text)) > limit


def clean_name(name: Any, limit: int = MAX_NAME) -> str:
    """A name or class code as typed: controls removed, spaces collapsed; :class:`InputError` if too long."""
    out = " ".join(strip_bidi(name).split())
    if len(out) > limit:
        raise InputError("input.err.too_long", limit)
    return out


def clean_text(text: Any, limit: int = MAX_TEXT) -> str:
    """A free-text value: controls removed; :class:`InputError` if over ``limit`` characters."""
    out = strip_bidi(text)
    if len(out) > limit:
        raise InputError("input.err.too_long", limit)
    return out
