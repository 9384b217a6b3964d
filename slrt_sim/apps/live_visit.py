"""The fasilitator's desk in a live kelurahan: whom to visit, and the home visit's form (phone first).

Two of the fasilitator desk's decisions (:mod:`slrt_sim.model.desks`) are not a few answers:

* ``choose_visit`` — whom to visit: each household offered is one big button naming the head of
  the household and why they are on the list (:func:`choice_label`: waiting for a verval visit,
  referred by the front office, or on the village's list with their DTKS decile or their unfit
  house); the first is the one the model's fasilitators would take;
* ``record_verval`` as a form (``form == "indicators"``) — the home visit: what the visitor sees
  (:func:`visit_story`: the house, the land, the head's work, the assets and how many live there,
  and the untrue thing said if any, in the home-visit practice's own sentences, ``hv.story.*``) and the practice's form (the same
  fields and widgets, :class:`VisitForm`); the answer is the recording as one line
  (:func:`slrt_sim.domain.welfare.encode`), checked as the practice checks its form
  (:func:`slrt_sim.training.home_visit.validate`) before it is sent: a field not filled is marked
  and nothing typed is lost.
"""
from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as W

from slrt_sim import i18n
from slrt_sim.apps.home_visit import _Assets, _choices
from slrt_sim.domain import welfare as Wf
from slrt_sim.i18n import t
from slrt_sim.training import home_visit as hv


CSS = """<style>
.slrt-live-visit-form .widget-toggle-buttons { display: flex; flex-wrap: wrap; gap: 4px; height: auto; overflow: visible; }
.slrt-live-visit-form > *, .slrt-live-visit-form .widget-vbox > *, .slrt-live-visit-choices > * { flex-shrink: 0; }
.slrt-live-visit-form .widget-toggle-buttons .widget-toggle-button { min-height: 40px; height: auto; width: auto;
    min-width: 88px; white-space: normal; margin: 0; }
.slrt-live-visit-form .widget-checkbox { min-height: 40px; align-items: center; }
.slrt-live-visit-form .widget-checkbox input { width: 22px; height: 22px; }
.slrt-live-visit-form .widget-text input { min-height: 40px; font-size: 16px; }
.slrt-live-visit-choices .jupyter-button { min-height: 48px; height: auto; white-space: normal; text-align: left;
    font-size: 16px; margin: 2px 0; flex: 0 0 auto; }
.slrt-live-visit-form .jupyter-button { flex: 0 0 auto; }
.slrt-live-visit-form, .slrt-live-visit-choices { min-width: 0; max-width: 100%; box-sizing: border-box; }
.slrt-live-visit-form .widget-inline-hbox, .slrt-live-visit-form .widget-vbox { max-width: 100%; min-width: 0;
    box-sizing: border-box; }
.slrt-live-visit-form .widget-toggle-buttons, .slrt-live-visit-form .slrt-checks { width: 100%; }
.slrt-live-visit-form .slrt-invalid.widget-toggle-buttons, .slrt-live-visit-form .slrt-invalid.slrt-checks {
    outline: 2px solid #c62828; outline-offset: 2px; border-radius: 6px; }
.slrt-live-visit-form .slrt-invalid input { border: 2px solid #c62828; }
.slrt-live-answers:has(.slrt-live-visit-choices), .slrt-live-answers:has(.slrt-live-visit-form) { flex-wrap: wrap; }
</style>"""
"""The form's and the choices' phone sizes (as the home-visit practice's): wrapping 40 px choices,
big checkboxes, one 48 px button per household."""


def _e(x: Any) -> str:
    return html.escape(str(x))


def choice_label(c: dict) -> str:
    """A household to visit as its button says it: the head's name and why it is on the list."""
    name = c.get("name") or f"#{c['hh']}"
    if c["kind"] == "list":
        why = (t("live.visit.list_dtks", d=c.get("dtks_decile")) if c.get("in_dtks")
               else t("live.visit.list_unfit"))
    else:
        why = t(f"live.visit.{c['kind']}")
    return f"{name} · {why}"


def visit_story(seen: dict, who: str, lang: str | None = None) -> list[str]:
    """What the visitor sees at the home visit, as the practice tells it (``hv.story.*``)."""
    out = [t("hv.story.house", lang=lang, floor=t(f"hv.floor.{seen['floor']}", lang=lang),
             wall=t(f"hv.wall.{seen['wall']}", lang=lang), roof=t(f"hv.roof.{seen['roof']}", lang=lang)),
           t("hv.story.land.own" if seen["owns_land"] else "hv.story.land.rent", lang=lang, who=who)]
    occupation = i18n.category_label("occupation", seen["occupation"], lang)
    occupation = occupation[:1].lower() + occupation[1:] if occupation[1:2].islower() else occupation
    claim = seen.get("claim") or ""
    work = "hv.story.trap.hidden_work" if claim == "hidden_work" else f"hv.story.work.{seen['work']}"
    out.append(t(work, lang=lang, occupation=occupation, who=who))
    assets = [a for a in Wf.ASSETS if a in (seen.get("assets") or ())]
    out.append(t("hv.story.assets.seen", lang=lang, assets=", ".join(t(f"hv.asset.{a}.seen", lang=lang)
                                                                      for a in assets))
               if assets else t("hv.story.assets.none", lang=lang))
    if claim == "hidden_asset":
        out.append(t(f"hv.story.trap.hidden_asset.{seen['hidden']}", lang=lang, who=who))
    elif claim == "inflated_size":
        out.append(t("hv.story.trap.inflated_size", lang=lang, who=who, n=seen["claimed_size"]))
    elif claim in ("pressure_exclude", "pressure_include"):
        out.append(t(f"hv.story.trap.{claim}", lang=lang, who=who))
    out.append(t("hv.story.members", lang=lang, n=seen["size"]))
    return out


def visit_html(seen: dict, who: str) -> str:
    return "".join(f"<p>{_e(p)}</p>" for p in visit_story(seen, who))


class VisitForm:
    """The home visit's form; ``send(text)`` gets the recording (one line) when it is complete."""

    def __init__(self, send: Callable[[str], Any]):
        self.send = send
        self.widgets = {"floor": _choices("hv.floor", hv.FLOORS), "wall": _choices("hv.wall", hv.WALLS),
                        "roof": _choices("hv.roof", hv.ROOFS), "owns_land": _choices("hv.yesno", ("yes", "no")),
                        "work": _choices("hv.work", Wf.WORK_KINDS),
                        "size": W.Text(placeholder="4", layout=W.Layout(width="120px")), "assets": _Assets()}
        self.marks = {n: W.HTML("") for n in hv.FIELDS}
        rows = []
        for name in hv.FIELDS:
            self.widgets[name].add_class(f"slrt-live-f-{name}")
            rows.append(W.VBox([W.HTML(f"<b>{_e(t(f'hv.f.{name}'))}</b>"), self.widgets[name], self.marks[name]]))
        self.submit_btn = W.Button(description=t("hv.ui.submit"), button_style="success", icon="check",
                                   layout=W.Layout(width="100%"))
        self.submit_btn.add_class("slrt-live-visit-submit")
        self.submit_btn.on_click(lambda _b: self.submit())
        self.widget = W.VBox([W.HTML(CSS + f"<h4>{_e(t('hv.ui.form'))}</h4>"), *rows, self.submit_btn],
                             layout=W.Layout(width="100%"))
        self.widget.add_class("slrt-live-visit-form")

    def answers(self) -> dict:
        return {n: (list(w.value) if n == "assets" else w.value) for n, w in self.widgets.items()}

    def fill(self, values: dict) -> None:
        """Fill fields as a trainee would (tests)."""
        for name, v in values.items():
            self.widgets[name].value = v

    def submit(self) -> str | None:
        """Check the form; send the recording if it is complete, else mark what is missing."""
        answers = self.answers()
        errors = hv.validate(answers)
        for name, mark in self.marks.items():  # marked as the practice marks its fields
            mark.value = f"<span class='slrt-err'>{_e(errors[name])}</span>" if name in errors else ""
            (self.widgets[name].add_class if name in errors else self.widgets[name].remove_class)("slrt-invalid")
        if errors:
            return None
        text = Wf.encode(hv.recorded(answers))
        self.send(text)
        return text


def show(page, d: dict, head: str) -> bool:
    """Show ``d`` on the desk page ``page`` (:class:`slrt_sim.apps.live_desk.LiveDeskApp`) if it is
    the fasilitator's choice of a visit or the visit's form; False for any other decision."""
    if d["point"] == "choose_visit":
        page.card.value = f"<h3>{_e(t('live.point.choose_visit'))}</h3><p>{_e(t('live.visit.intro'))}</p>"
        page.members.value = ""
        buttons = []
        for c in d["facts"]["choices"]:
            b = W.Button(description=choice_label(c), button_style="info", layout=W.Layout(width="100%"))
            b.add_class(f"slrt-live-visit-{c['kind']}")
            b.add_class(f"slrt-live-opt-{c['hh']}")  # as every answer button (pages, load and browser tests)
            b.on_click(lambda _b, o=str(c["hh"]): page.choose(o))
            buttons.append(b)
        box = W.VBox([W.HTML(CSS), *buttons], layout=W.Layout(width="100%"))
        box.add_class("slrt-live-visit-choices")
        page.answers.children = [page._left, box]
        return True
    if d.get("form") == "indicators":
        page.card.value = (f"<h3>{_e(t('live.point.record_visit'))}</h3><p><b>{_e(head)}</b></p>"
                           + visit_html(d["facts"]["visit"], head))
        page.visit_form = VisitForm(page.choose)
        page.answers.children = [page._left, page.visit_form.widget]
        return True
    return False


def recording_text(text: str) -> str:
    """A sent recording (:func:`slrt_sim.domain.welfare.encode`'s line) as the fasilitator chose it,
    field by field in the form's words, so she sees what entered the DTKS proposal."""
    ind = Wf.decode(text)
    values = {"floor": ind.floor, "wall": ind.wall, "roof": ind.roof, "owns_land": "yes" if ind.owns_land else "no",
              "work": ind.work, "size": ind.size}
    parts = [f"{t(f'hv.f.{n}')}: {hv._shown(n, v)}" for n, v in values.items()]
    assets = ", ".join(t(f"hv.asset.{a}") for a in Wf.ASSETS if a in ind.assets)
    parts.append(t("live.visit.assets", assets=assets or t("live.visit.no_assets")))
    return "; ".join(parts)


def answer_line(d: dict, option: str) -> str | None:
    """The line under the status after a visit's answer (``None`` for other decisions)."""
    if d["point"] == "choose_visit":
        kind = next((c["kind"] for c in d["facts"]["choices"] if str(c["hh"]) == option), "list")
        name = next((c.get("name") for c in d["facts"]["choices"] if str(c["hh"]) == option), "")
        return t("live.did.visit_verval" if kind == "verval" else "live.did.visit_found", name=name)
    if d.get("form") == "indicators":
        return t("live.did.recorded") + " " + t("live.did.recording", recording=recording_text(option))
    return None
