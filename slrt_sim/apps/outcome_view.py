"""The two timelines of a household side by side: *Keputusan Anda* / *Penanganan yang tepat*.

Used by the role-play apps after a submit. Two columns from 600 px wide, one under the other on a
phone. The rows come from :func:`slrt_sim.training.outcomes.timeline_rows` (catalogue strings).
"""
from __future__ import annotations

import html

from slrt_sim.experiments.outcomes import PairOutcome
from slrt_sim.i18n import t
from slrt_sim.training import outcomes as O

CSS = """
<style>
.oc-pair { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 6px; }
.oc-col { flex: 1 1 280px; min-width: 0; border: 1px solid #d0d7de; border-radius: 8px; padding: 6px 10px;
          background: #fafbfc; }
.oc-col.oc-yours { border-left: 5px solid #1565c0; } .oc-col.oc-key { border-left: 5px solid #2e7d32; }
.oc-col h4 { margin: 4px 0 6px 0; }
.oc-col ol { list-style: none; padding: 0; margin: 0; }
.oc-col li { margin: 0 0 6px 0; line-height: 1.35; font-size: 14px; }
.oc-day { font-weight: 600; color: #444; font-size: 12px; display: block; }
.oc-bad { color: #b71c1c; } .oc-good { color: #1b5e20; }
.oc-needs { margin-top: 6px; border-top: 1px solid #e1e4e8; padding-top: 4px; font-size: 14px; }
.oc-displaced { background: #fff3e0; border-radius: 6px; padding: 4px 8px; margin-top: 6px; font-size: 14px; }
@media (max-width: 600px) { .oc-pair { flex-direction: column; } .oc-col { flex-basis: auto; } }
</style>
"""


def _e(x) -> str:
    return html.escape(str(x))


def _column(title: str, cls: str, h, extra: list[str], lang: str | None) -> str:
    start = h.events[0].day if h.events else 0.0
    rows = []
    for r in O.timeline_rows(h, lang=lang, start=start):
        tone = f" class='oc-{r['tone']}'" if r["tone"] else ""
        rows.append(f"<li{tone} data-step='{_e(r['step'])}'><span class='oc-day'>"
                    f"{_e(t('oc.ui.day', lang=lang, day=r['day'], date=r['date']))} · {_e(r['actor'])}</span>"
                    f"{_e(r['text'])}</li>")
    needs = []
    for n in O.need_rows(h, lang=lang):
        when = f" — {_e(t('oc.ui.served_day', lang=lang, day=n['day']))}" if n["day"] is not None else ""
        bad = n["raw_state"] not in ("served", "waiting_quota", "in_process")
        needs.append(f"<li class='{'oc-bad' if bad else 'oc-good' if n['day'] is not None else ''}'>"
                     f"<b>{_e(n['need'])}</b>: {_e(n['state'])}{when}</li>")
    more = "".join(f"<div class='oc-displaced'>⚠ {_e(x)}</div>" for x in extra)
    return (f"<div class='oc-col {cls}'><h4>{_e(title)}</h4><ol>{''.join(rows)}</ol>"
            f"<div class='oc-needs'><b>{_e(t('oc.ui.needs', lang=lang))}</b><ul>{''.join(needs)}</ul></div>{more}</div>")


def pair_html(pair: PairOutcome, label: str, seed: int, lang: str | None = None) -> str:
    """The household ``label``'s two timelines as HTML (with the CSS)."""
    mine, key = pair.trainee.households[label], pair.key.households[label]
    same = mine.events == key.events and mine.needs == key.needs
    note = f"<p class='oc-good'>{_e(t('oc.ui.same', lang=lang))}</p>" if same else ""
    displaced = O.displaced_rows(pair, label, seed, lang=lang)
    return (CSS + f"<div class='oc-view'><h3>{_e(t('oc.ui.title', lang=lang))}</h3>"
            f"<p>{_e(t('oc.ui.intro', lang=lang))}</p>{note}<div class='oc-pair'>"
            + _column(t("oc.ui.yours", lang=lang), "oc-yours", mine, displaced, lang)
            + _column(t("oc.ui.key", lang=lang), "oc-key", key, [], lang) + "</div></div>")
