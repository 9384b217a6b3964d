"""A scenario's validation problem as one line: :class:`ScenarioError` names the file, the
field path (as a user writes it, e.g. ``region.kecamatan[0].villages[2].households``) and what
was expected, in the current language (catalogue keys ``err.scenario.*`` and
``err.pydantic.*``). :mod:`slrt_sim.domain.scenario` raises it; the CLI prints it and exits 2.
"""
from __future__ import annotations

import reprlib
from typing import Any

from pydantic import ValidationError

from slrt_sim.i18n import t


class ScenarioError(Exception):
    """A user's mistake in a scenario file or override: the message is one line."""

    def __init__(self, source: str, field: str, expected: str):
        self.source, self.field, self.expected = source, field, expected
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {expected}")


def path_str(loc: tuple[Any, ...]) -> str:
    """A field path as a user writes it: ``a.b[2].c`` (pydantic's union branch names left out)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("exponential", "lognormal", "triangular", "fixed") and out:
            continue  # pydantic's tagged-union branch name: not a user key
        else:
            out += ("." if out else "") + str(part)
    return out


def _expected(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        code = str(ctx.get("error", err.get("msg", "")))
        code = code.split("Value error, ", 1)[-1]
        name, _, arg = code.partition(":")
        key = f"err.scenario.{name}"
        try:
            return t(key, value=arg)
        except KeyError:
            return code
    key = f"err.pydantic.{kind}"
    try:
        return t(key, **{k: v for k, v in ctx.items() if isinstance(v, (int, float, str))},
                 got=short(err.get("input")))
    except KeyError:
        return err.get("msg", kind)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 40
_REPR.maxlevel = 2


def short(value: Any) -> str:
    """A short view of a bad value: bounded in depth and length whatever its size."""
    text = _REPR.repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def from_validation(exc: ValidationError, source: str) -> ScenarioError:
    err = exc.errors(include_url=False)[0]
    return ScenarioError(source, path_str(tuple(err["loc"])), _expected(err))
