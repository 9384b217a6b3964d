"""The dashboard's class view of the home-visit practice (the class-outcome tab, under the front
office's): what the class's recordings did to the DTKS and to the households
(:func:`slrt_sim.training.hv_class.class_view`), as tiles for the class and a row per trainee, in
the projector's large type (:data:`slrt_sim.apps.outcome_view.CLASS_CSS`)."""
from __future__ import annotations

import html

from slrt_sim.apps.outcome_view import CLASS_CSS
from slrt_sim.domain import welfare as Wf
from slrt_sim.i18n import fmt_num, t
from slrt_sim.training import hv_class

TILES = (("right_decile", "hv.class.right"), ("exclusion", "hv.class.exclusion"), ("inclusion", "hv.class.inclusion"),
         ("needs_met", "hv.class.needs_met"))


def _e(x) -> str:
    return html.escape(str(x))


def class_html(klass: dict, submissions: dict, lang: str | None = None, runs: bool = True) -> str:
    """The class's home visits (``submissions``: :func:`slrt_sim.training.hv_class.submissions_from_store`)."""
    view = hv_class.class_view(klass["code"], klass["seed"], klass["level"], submissions, runs=runs)
    title = f"<h2>{_e(t('hv.class.title', lang=lang))}</h2>"
    if not view["trainees"]:
        return CLASS_CSS + f"<div class='oc-class oc-hv'>{title}<p>{_e(t('hv.class.none', lang=lang))}</p></div>"
    c, n = view["class"], view["cases_in"]
    tiles = []
    for m, label in TILES:
        value = f"{fmt_num(c[m], 0)}/{fmt_num(n, 0)}"
        keyv = (f"<div class='oc-keyv'>{_e(t('oc.class.key', lang=lang, value=fmt_num(c['needs_met_key'], 0)))}</div>"
                if m == "needs_met" else "")
        warn = " oc-warn" if m in ("exclusion", "inclusion") and c[m] else ""
        tiles.append(f"<div class='oc-tile{warn}' data-metric='hv-{m}'><div class='oc-lab'>{_e(t(label, lang=lang))}</div>"
                     f"<div class='oc-big'>{_e(value)}</div>{keyv}</div>")
    head = [t("oc.class.trainee", lang=lang), t("hv.class.cases", lang=lang)] + [t(lab, lang=lang) for _, lab in TILES] \
        + [t("hv.class.gap", lang=lang)]
    rows = []
    for r in view["trainees"]:
        f = r.figures
        cells = [r.trainee, fmt_num(f["cases"], 0)] + [fmt_num(f[m], 0) for m, _ in TILES] + \
            [fmt_num(f["decile_gap"] / f["cases"], 1)]
        rows.append("<tr>" + "".join(f"<td>{_e(x)}</td>" for x in cells) + "</tr>")
    table = ("<table class='oc-trainees oc-hv-trainees'><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"
             + "".join(rows) + "</table>")
    cases = t("hv.class.cases_in", lang=lang, n=n, trainees=len(view["trainees"]))
    return (CLASS_CSS + f"<div class='oc-class oc-hv'>{title}<p class='oc-cases' data-cases='{n}'>{_e(cases)}</p>"
            f"<div class='oc-tiles'>{''.join(tiles)}</div>{table}</div>")


def discussion_html(case, lang: str | None = None) -> str:
    """A home-visit case for the class's discussion: the visit as the trainee read it (the story, the
    members by the KK), then the right recording (the household's truth, the form as
    :func:`slrt_sim.training.home_visit.answer_key` fills it), its decile and whether it is listed."""
    from slrt_sim.training import home_visit as hv

    key = hv.answer_key(case)
    c = hv.consequence(case, Wf.indicator_decile(case.truth))
    shown = {"floor": t(f"hv.floor.{key['floor']}", lang=lang), "wall": t(f"hv.wall.{key['wall']}", lang=lang),
             "roof": t(f"hv.roof.{key['roof']}", lang=lang), "owns_land": t(f"hv.yesno.{key['owns_land']}", lang=lang),
             "work": t(f"hv.work.{key['work']}", lang=lang), "size": key["size"],
             "assets": ", ".join(t(f"hv.asset.{a}", lang=lang) for a in key["assets"]) or "–"}
    members = "".join(f"<li>{_e(m['name'])} · {_e(m['relation'])} · {_e(m['age'])}</li>"
                      for m in hv.visible_members(case))
    listed = t("hv.dtks.listed" if c["key_listed"] else "hv.dtks.not_listed", lang=lang)
    return (f"<h4>{_e(t('dash.discussion.story', lang=lang))}</h4>"
            + "".join(f"<p>{_e(p)}</p>" for p in hv.story(case, lang)) + f"<ul>{members}</ul>"
            + f"<h4>{_e(t('dash.discussion.answer', lang=lang))}</h4><ul>"
            + "".join(f"<li><b>{_e(t(f'hv.f.{n}', lang=lang))}</b>: {_e(shown[n])}</li>" for n in hv.FIELDS)
            + f"</ul><p><b>{_e(t('hv.dtks.key', lang=lang, decile=c['key_decile'], listed=listed))}</b></p>")
