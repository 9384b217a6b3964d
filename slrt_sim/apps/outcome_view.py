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


CLASS_CSS = """
<style>
.oc-class { font-size: 22px; }
.oc-class h2 { font-size: 34px; margin: 6px 0; }
.oc-tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; margin: 10px 0; }
.oc-tile { border: 2px solid #d0d7de; border-radius: 10px; padding: 8px 14px; background: #fff; }
.oc-tile .oc-big { font-size: 56px; font-weight: 700; line-height: 1.1; }
.oc-tile .oc-lab { font-size: 22px; color: #333; }
.oc-tile .oc-keyv { font-size: 22px; color: #2e7d32; }
.oc-tile.oc-warn .oc-big { color: #b71c1c; }
.oc-class table { border-collapse: collapse; font-size: 20px; margin-top: 8px; }
.oc-class td, .oc-class th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
.oc-class td:first-child, .oc-class th:first-child { text-align: left; }
</style>
"""

_TILES = (("needs_met", "needs_met_key", "oc.class.needs_met"), ("days_to_service", "days_to_service_key", "oc.class.days"),
          ("exclusion", None, "oc.class.exclusion"), ("inclusion", None, "oc.class.inclusion"),
          ("places_wasted", None, "oc.class.places_wasted"), ("displaced", None, "oc.class.displaced"),
          ("lost", None, "oc.class.lost"))


def _num(x, decimals: int = 0) -> str:
    from slrt_sim.i18n import fmt_num

    return fmt_num(x, decimals)


def class_html(view: dict, lang: str | None = None) -> str:
    """The projector view of :func:`slrt_sim.training.class_outcomes.class_view` (large type, one screen)."""
    trainees = view["trainees"]
    if not trainees:
        return CLASS_CSS + f"<div class='oc-class'><p>{_e(t('oc.class.none', lang=lang))}</p></div>"
    c = view["class"]
    tiles = []
    for m, k, label in _TILES:
        dec = 0
        value = _num(c[m], dec)
        if m == "needs_met":
            value = f"{_num(c[m])}/{_num(c['needs'])}"
        keyv = ""
        if k is not None:
            kv = f"{_num(c[k])}/{_num(c['needs'])}" if m == "needs_met" else _num(c[k], dec)
            keyv = f"<div class='oc-keyv'>{_e(t('oc.class.key', lang=lang, value=kv))}</div>"
        warn = " oc-warn" if (k is None and c[m]) or (m == "days_to_service" and c[m] > c[k] + 0.5) else ""
        tiles.append(f"<div class='oc-tile{warn}' data-metric='{m}'><div class='oc-lab'>{_e(t(label, lang=lang))}</div>"
                     f"<div class='oc-big'>{_e(value)}</div>{keyv}</div>")
    head = [t("oc.class.trainee", lang=lang)] + [t(lab, lang=lang) for _, _, lab in _TILES]
    rows = []
    for r in trainees:
        f = r.figures
        cells = [f"{_num(f['needs_met'])}/{_num(f['needs'])}", _num(f["days_to_service"])] + \
            [_num(f[m]) for m, _, _ in _TILES[2:]]
        rows.append("<tr><td>" + _e(r.trainee) + "</td>" + "".join(f"<td>{_e(x)}</td>" for x in cells) + "</tr>")
    table = ("<table class='oc-trainees'><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"
             + "".join(rows) + "</table>")
    cases = t("oc.class.cases", lang=lang, n=view["cases_in"], trainees=len(trainees))
    return (CLASS_CSS + f"<div class='oc-class'><h2>{_e(t('oc.class.title', lang=lang))}</h2>"
            f"<p class='oc-cases' data-cases='{view['cases_in']}'>{_e(cases)}</p>"
            f"<div class='oc-tiles'>{''.join(tiles)}</div>{table}</div>")


def queue_html(pair: PairOutcome, rows: list[tuple[str, str]], seed: int, lang: str | None = None) -> str:
    """Every household of a back-office queue: ``rows`` are (label, title); one foldable pair each."""
    parts = []
    for label, title in rows:
        mine, key = pair.trainee.households[label], pair.key.households[label]
        same = mine.events == key.events and mine.needs == key.needs
        mark = "✔" if same else "⚠"
        displaced = O.displaced_rows(pair, label, seed, lang=lang)
        parts.append(f"<details class='oc-hh' data-label='{_e(label)}'{'' if same else ' open'}>"
                     f"<summary><b>{mark} {_e(title)}</b></summary>"
                     + (f"<p class='oc-good'>{_e(t('oc.ui.same', lang=lang))}</p>" if same else "")
                     + "<div class='oc-pair'>"
                     + _column(t("oc.ui.yours", lang=lang), "oc-yours", mine, displaced, lang)
                     + _column(t("oc.ui.key", lang=lang), "oc-key", key, [], lang) + "</div></details>")
    return (CSS + f"<div class='oc-view'><h3>{_e(t('oc.ui.title_queue', lang=lang))}</h3>"
            f"<p>{_e(t('oc.ui.intro', lang=lang))}</p>{''.join(parts)}</div>")
