"""The "Aturan" panel: every rule a trainee is graded on, readable before submitting.

The conditions come from the domain (:func:`slrt_sim.domain.programs.criteria`, the same
rules that grade); which need each programme answers from
:data:`slrt_sim.domain.programs.NEED_PROGRAMS`. Each programme is a ``<details>`` element,
so the panel opens and closes without a kernel round trip and stays short on a phone.
"""
from __future__ import annotations

import html
from typing import Iterable

from slrt_sim.domain import programs
from slrt_sim.i18n import t

__all__ = ["CSS", "rules_html"]

CSS = """<style>
.slrt-rules { border: 1px solid #b6d4fe; background: #f0f6ff; border-radius: 8px; padding: 4px 12px; margin: 6px 0; }
.slrt-rules > summary { font-weight: 700; cursor: pointer; min-height: 40px; line-height: 40px; }
.slrt-rules details { margin: 2px 0 2px 8px; }
.slrt-rules details > summary { cursor: pointer; min-height: 40px; line-height: 40px; font-weight: 600; }
.slrt-rules ul { margin: 0 0 6px 0; padding-left: 20px; }
.slrt-rules p { margin: 4px 0 8px 0; }
</style>"""


def _needs_of(program: str) -> list[str]:
    return [n for n, progs in programs.NEED_PROGRAMS.items() if program in progs]


def rules_html(general: Iterable[str] = (), program_codes: Iterable[str] = programs.PROGRAMS,
               limits: programs.Limits | None = None, open_: bool = False) -> str:
    """The panel: the general rules (sentences), then one collapsible block per programme."""
    e = html.escape
    blocks = []
    for p in program_codes:
        needs = _needs_of(p)
        lines = programs.criteria(p, limits) + [
            t("rules.answers_needs", needs=", ".join(t(f"need.{n}") for n in needs)) if needs else t("rules.needs_none")]
        blocks.append(f"<details class='slrt-rule-{p}'><summary>{e(t(f'prog.{p}.name'))}</summary><ul>"
                      + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul></details>")
    intro = "".join(f"<p>{e(g)}</p>" for g in general)
    return (f"<details class='slrt-rules'{' open' if open_ else ''}><summary>{e(t('rules.title'))}</summary>"
            f"{intro}<div><b>{e(t('rules.programs'))}</b></div>{''.join(blocks)}</details>")
