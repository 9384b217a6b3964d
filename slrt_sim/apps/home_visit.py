"""The home-visit practice app (``notebooks/roleplay_home_visit.ipynb``).

The fasilitator's verval home visit, single-player, on the role plays' skeleton
(:mod:`slrt_sim.apps.roleplay`: login, saved form, feedback panel, outcome panel): the trainee
types a name and the class code, and visits the class's households one by one
(:func:`slrt_sim.training.home_visit.build_cases`). The page shows the visit (the story, the
members by the KK) and the verval form (:data:`slrt_sim.training.home_visit.FIELDS`); on submit
the recording is graded item by item against the household's truth
(:func:`slrt_sim.training.home_visit.grade`), the consequence for the DTKS is shown at once (the
recording's decile beside the right one, listed or not, the programmes each opens, an inclusion or
exclusion error), and the timeline of the household through the kit's pathway with the recorded
decile follows in the background (:func:`slrt_sim.training.home_visit.hv_outcome`).

Every change is saved; a reload with the same name and class code resumes, typed fields included.
A field not filled as expected is marked red with a message; nothing typed is lost. One column,
phone first (390 px): choices are wrapping toggle buttons and checkboxes at least 40 px high.
"""
from __future__ import annotations

import html
import threading
import time
from typing import Any, Callable

import ipywidgets as W

from slrt_sim.apps import roleplay, style
from slrt_sim.apps._errors import guarded
from slrt_sim.apps.roleplay import Field
from slrt_sim.domain import welfare as Wf
from slrt_sim.i18n import fmt_num, t
from slrt_sim.training import home_visit as hv
from slrt_sim.training.store import SessionStore

__all__ = ["HomeVisitApp", "show"]

APP = hv.APP
_CASES_LOCK = threading.Lock()

CSS = style.CSS + roleplay.CSS + """<style>
.slrt-hv { max-width: 720px; }
.slrt-hv .widget-toggle-buttons { display: flex; flex-wrap: wrap; gap: 4px; }
.slrt-hv .widget-toggle-buttons .widget-toggle-button { min-height: 40px; height: auto; width: auto;
    min-width: 88px; white-space: normal; margin: 0; }
.slrt-hv .widget-checkbox { min-height: 40px; align-items: center; }
.slrt-hv .widget-checkbox input { width: 22px; height: 22px; }
.slrt-hv .widget-button { min-height: 44px; }
.slrt-hv .widget-text input { min-height: 40px; font-size: 16px; }
.slrt-hv .slrt-hv-dtks p { margin: 4px 0; }
.slrt-hv .slrt-hv-err { background: #fff3e0; border-radius: 6px; padding: 4px 8px; }
</style>"""


def _e(x: Any) -> str:
    return html.escape(str(x))


class _Assets(W.VBox):
    """The asset checkboxes; ``value`` is the list of ticked asset codes."""

    def __init__(self):
        self.boxes = {a: W.Checkbox(value=False, description=t(f"hv.asset.{a}"), indent=False,
                                    layout=W.Layout(width="auto")) for a in Wf.ASSETS}
        for a, b in self.boxes.items():
            b.add_class(f"slrt-c-{a}")
        super().__init__(list(self.boxes.values()))
        self.add_class("slrt-checks")

    @property
    def value(self) -> list[str]:
        return [a for a, b in self.boxes.items() if b.value]

    @value.setter
    def value(self, codes) -> None:
        codes = set(codes or ())
        for a, b in self.boxes.items():
            b.value = a in codes

    def observe_all(self, fn) -> None:
        for b in self.boxes.values():
            b.observe(fn, names="value")

    @property
    def disabled(self) -> bool:
        return all(b.disabled for b in self.boxes.values())

    @disabled.setter
    def disabled(self, v: bool) -> None:
        for b in self.boxes.values():
            b.disabled = v


def _choices(prefix: str, codes) -> W.ToggleButtons:
    return W.ToggleButtons(options=[(t(f"{prefix}.{c}"), c) for c in codes], value=None, style={"button_width": "auto"})


class HomeVisitApp(roleplay.CaseSequence):
    """The whole app as one widget tree (``.widget``); the methods are what the buttons do."""

    case_area = "form"  # frozen while the next case is built

    def __init__(self, store: SessionStore | None = None, n_cases: int = hv.N_CASES,
                 clock: Callable[[], float] = time.time, check_name: Callable[[str, dict], str | None] | None = None,
                 background: bool = True, warm: bool = False):
        self.store = store if store is not None else SessionStore()
        self.n_cases, self.clock = n_cases, clock
        self.trainee, self.klass = "", None
        self.cases: list[hv.HvCase] = []
        self.state: dict = {}
        self._restoring = False
        self._build(check_name, background)
        # a pre-heated page prepares the newest classes' visits (and their population) before a login
        self.warm_thread = roleplay.warm_classes(self.store, self._prepare) if warm else None

    # ------------------------------------------------------------------ layout
    def _build(self, check_name, background: bool) -> None:
        self.title = W.HTML(f"<h2>{_e(t('hv.ui.title'))}</h2><p>{_e(t('hv.ui.intro'))}</p>")
        self.login_box = roleplay.LoginBox(APP, self._open, lambda: self.store, check_name=check_name)
        self.saved = roleplay.SavedForm(APP, lambda: self.store)
        self.header, self.notice, self.story = W.HTML(""), W.HTML(""), W.HTML("")
        self.fields: dict[str, Field] = {}
        widgets = {"floor": _choices("hv.floor", hv.FLOORS), "wall": _choices("hv.wall", hv.WALLS),
                   "roof": _choices("hv.roof", hv.ROOFS), "owns_land": _choices("hv.yesno", ("yes", "no")),
                   "work": _choices("hv.work", Wf.WORK_KINDS),
                   "size": W.Text(placeholder="4", layout=W.Layout(width="120px")), "assets": _Assets()}
        for name in hv.FIELDS:
            self.fields[name] = Field(name, widgets[name], t(f"hv.f.{name}"))
            w = widgets[name]
            w.observe_all(self._on_change) if isinstance(w, _Assets) else w.observe(self._on_change, names="value")
        self.submit_btn = W.Button(description=t("hv.ui.submit"), button_style="success", icon="check",
                                   layout=W.Layout(width="100%"))
        self.submit_btn.add_class("slrt-submit")
        self.submit_btn.on_click(guarded(lambda _b: self.submit(), lambda: self.notice, "submit"))
        self.form_msg = W.HTML("")
        self.form = W.VBox([W.HTML(f"<h3>{_e(t('hv.ui.form'))}</h3>")] + [f.box for f in self.fields.values()]
                           + [self.submit_btn, self.form_msg, self.saved.status])
        self.form.add_class("slrt-card")
        self.form.add_class("slrt-form")
        self.next_btn = W.Button(description=t("hv.ui.next"), button_style="primary", icon="arrow-right")
        self.next_btn.add_class("slrt-next")
        self.next_btn.on_click(guarded(lambda _b: self.next_case(), lambda: self.notice, "next"))
        self.panel = roleplay.FeedbackPanel([self.next_btn])
        self.panel.outcome.background = background
        self.busy = roleplay.Busy()
        self.case_box = W.VBox([self.header, self.notice, self.busy.widget, self.panel.widget, self.story, self.form])
        self.case_box.add_class("slrt-case-box")
        self.case_box.layout.display = "none"
        self.widget = W.VBox([W.HTML(CSS), self.title, self.login_box.widget, self.case_box],
                             layout=W.Layout(width="100%"))
        roleplay.root(self.widget, APP)

    # ------------------------------------------------------------------ login / restore
    def login(self, name: str, code: str) -> bool:
        return self.login_box.submit(name, code)

    def _prepare(self, klass: dict) -> list[hv.HvCase]:
        with _CASES_LOCK:
            return hv.build_cases(klass["code"], klass["seed"], klass["level"], n=self.n_cases)

    def _open(self, name: str, klass: dict) -> None:
        self.trainee, self.klass = name, klass
        self.cases = self._prepare(klass)
        self._resume_or_start(self.saved.open(name, klass["code"]), "hv.ui.resumed", deciles={})

    def _new_case_state(self) -> None:
        self.state.update({"started_at": self.clock(), "form": {}, "submitted": False, "grade": None})

    def _show_case(self) -> None:
        case, k = self.case, self.klass
        level = t(f"hv.ui.level.{k['level']}")
        i = min(self.state.get("case_index", 0) + 1, len(self.cases))
        self.header.value = f"<p>{_e(t('hv.ui.header', name=self.trainee, code=k['code'], level=level, i=i, n=len(self.cases)))}</p>"
        if case is None:
            scores = list(self.state.get("scores", {}).values())
            mean = sum(scores) / len(scores) if scores else 0.0
            self.panel.show(f"<p>{_e(t('hv.ui.done', n=len(self.cases), mean=fmt_num(mean, 1)))}</p>", scroll=False)
            self.next_btn.layout.display = "none"
            self.story.value, self.form.layout.display = "", "none"
            return
        members = style.table([t("hv.ui.member.name"), t("hv.ui.member.relation"), t("hv.ui.member.sex"),
                               t("hv.ui.member.age")],
                              [[_e(m["name"]), _e(m["relation"]), _e(m["sex"]), _e(m["age"])]
                               for m in hv.visible_members(case)], cls="slrt-t slrt-hv-members")
        paras = "".join(f"<p>{_e(p)}</p>" for p in hv.story(case))
        self.story.value = (f"<div class='slrt-card slrt-story'><div class='slrt-label'>{_e(t('hv.ui.story'))}</div>"
                            f"{paras}{members}</div>")
        self._restoring = True
        try:
            form = self.state.get("form", {})
            for name, f in self.fields.items():
                f.mark(None)
                default = [] if name == "assets" else "" if name == "size" else None
                value = form.get(name, default)
                if isinstance(f.widget, W.ToggleButtons) and value not in [v for _, v in f.widget.options]:
                    value = None
                f.widget.value = value
        finally:
            self._restoring = False
        self.form_msg.value = ""
        self.form.layout.display = None
        submitted = bool(self.state.get("submitted"))
        self._set_disabled(submitted)
        if submitted and self.state.get("grade"):
            self._show_feedback(self.state["grade"], scroll=False)
        else:
            self.panel.reset()

    def _set_disabled(self, disabled: bool) -> None:
        for f in self.fields.values():
            f.widget.disabled = disabled
        self.submit_btn.disabled = disabled

    # ------------------------------------------------------------------ form state
    def answers(self) -> dict:
        return {name: (list(f.widget.value) if name == "assets" else f.widget.value) for name, f in self.fields.items()}

    def set_form(self, values: dict) -> None:
        """Fill form fields as a trainee would (tests)."""
        for name, v in values.items():
            self.fields[name].widget.value = v

    def _on_change(self, _change=None) -> None:
        if self._restoring or self.klass is None or self.case is None or self.state.get("submitted"):
            return
        self.state["form"] = self.answers()
        marked = [n for n, f in self.fields.items() if f.marked]
        if marked:  # a marked field is re-checked as it is corrected
            errors = hv.validate(self.state["form"])
            for name in marked:
                self.fields[name].mark(errors.get(name))
        self._save()

    # ------------------------------------------------------------------ submit
    def submit(self) -> hv.HvGrade | None:
        case = self.case
        if case is None or self.state.get("submitted"):
            return None
        answers = self.answers()
        errors = hv.validate(answers)
        for name, f in self.fields.items():
            f.mark(errors.get(name))
        self.state["form"] = answers
        if errors:
            self.form_msg.value = f"<div class='slrt-err'>{_e(t('hv.ui.invalid'))}</div>"
            self._save()
            return None
        self.form_msg.value = ""
        with self.busy.working(t("rp.busy.grading"), self.form):
            g = hv.grade(case, answers)
            now = self.clock()
            self.store.save_submission(
                trainee=self.trainee, class_code=self.klass["code"], app=APP, case_id=case.case_id, answers=answers,
                score=g.score, max_score=g.max_score,
                feedback=[{k: i[k] for k in ("item", "ok", "rule", "message")} for i in g.items],
                started_at=float(self.state.get("started_at", now)), submitted_at=now)
            self.state.update({"submitted": True, "grade": {"score": g.score, "max": g.max_score, "items": g.items,
                                                             "decile": g.decile}})
            self.state.setdefault("scores", {})[case.case_id] = g.score
            self.state.setdefault("deciles", {})[str(self.state.get("case_index", 0))] = g.decile
            self._save()
            self._set_disabled(True)
            self._show_feedback(self.state["grade"])
        return g

    def _show_feedback(self, g: dict, scroll: bool = True) -> None:
        case = self.case
        items = g["items"]
        right = [self._item_label(i) for i in items if i["ok"]]
        wrong = [self._item_label(i) for i in items if not i["ok"]]
        summary = roleplay.summary_html(_e(t("hv.fb.score", score=g["score"], max=g["max"])), right, wrong,
                                        t("hv.fb.principle"))
        detail = "<ul class='slrt-fb'>" + "".join(
            f"<li class='{'slrt-ok' if i['ok'] else 'slrt-bad'}'>{_e(i['message'])}"
            f"{'' if i['ok'] else ' <small>' + _e(t(i['rule'])) + '</small>'}</li>" for i in items) + "</ul>"
        dtks = W.HTML(self.dtks_html(case, int(g["decile"])))
        deciles = {int(i): int(d) for i, d in self.state.get("deciles", {}).items()}
        outcome = (lambda: self._outcome_html(case.case_id, deciles)) if deciles else None  # noqa: E731
        self.panel.show(summary, detail, detail_title=t("hv.fb.items"), extra=[dtks], outcome=outcome, scroll=scroll,
                        outcome_title=t("hv.ui.timeline"))
        self.next_btn.layout.display = None

    @staticmethod
    def _item_label(item: dict) -> str:
        name = item["item"]
        return t(f"hv.asset.{name.split('.', 1)[1]}") if name.startswith("asset.") else t(f"hv.f.{name}")

    @staticmethod
    def dtks_html(case: hv.HvCase, decile: int) -> str:
        """The consequence for the DTKS (:func:`slrt_sim.training.home_visit.consequence`) as HTML."""
        c = hv.consequence(case, decile)

        def progs(codes) -> str:
            return ", ".join(t(f"prog.{p}.name") for p in codes) or t("hv.dtks.none")

        def listed(x: bool) -> str:
            return t("hv.dtks.listed" if x else "hv.dtks.not_listed")

        error = c["error"] or "none"
        tone = "slrt-bad" if c["error"] else "slrt-ok"
        lines = [f"<p><b>{_e(t('hv.dtks.yours', decile=c['decile'], listed=listed(c['listed'])))}</b> "
                 f"{_e(t('hv.dtks.programs', programs=progs(c['programs'])))}</p>",
                 f"<p>{_e(t('hv.dtks.key', decile=c['key_decile'], listed=listed(c['key_listed'])))} "
                 f"{_e(t('hv.dtks.programs', programs=progs(c['key_programs'])))}</p>",
                 f"<p class='{tone} slrt-hv-error' data-error='{error}'>{_e(t('hv.dtks.error.' + error))}</p>"]
        if not c["error"] and c["decile"] != c["key_decile"]:
            lines.append(f"<p>{_e(t('hv.dtks.differs'))}</p>")
        lines.append(f"<p><small>{_e(t('hv.dtks.rule'))}</small></p>")
        return (f"<div class='slrt-card slrt-hv-dtks'><div class='slrt-label'>{_e(t('hv.dtks.title'))}</div>"
                + "".join(lines) + "</div>")

    def outcome_pair(self, deciles: dict | None = None):
        """The trainee's recorded deciles so far played through the pathway, against the key."""
        k = self.klass
        if deciles is None:
            deciles = {int(i): int(d) for i, d in self.state.get("deciles", {}).items()}
        return hv.hv_outcome(k["code"], k["seed"], k["level"], deciles, n=len(self.cases))

    def _outcome_html(self, case_id: str, deciles: dict) -> str:
        from slrt_sim.apps import outcome_view  # the simulation runs only after a submit

        return outcome_view.pair_html(self.outcome_pair(deciles), case_id, self.klass["seed"])

    def _save(self) -> None:
        self.saved.save(self.state)


def show(store: SessionStore | None = None) -> HomeVisitApp:
    """Display the app in a notebook / Voila page and return it."""
    from IPython.display import display

    app = HomeVisitApp(store, warm=True)
    display(app.widget)
    return app
