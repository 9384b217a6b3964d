"""The front-office role-play app (``notebooks/roleplay_front_office.ipynb``).

A trainee types a name and the class code; residents of the class's cases
(:func:`slrt_sim.training.front_office.class_cases`) walk in one by one. The page shows the story, the
papers and a DTKS search; the trainee fills the registration form and submits. Only then is the
case graded (:func:`slrt_sim.training.front_office.grade_fo`) and the feedback shown: the answer key never
leaves the kernel before that.

Every change to the form is saved (:meth:`slrt_sim.training.store.SessionStore.save_progress`), so a
trainee who reloads the page and enters the same name and class code continues where they were,
typed fields included. A bad field (e.g. a 15-digit NIK) is marked red with a message beside it;
nothing typed is lost. Layout: one column on a phone or a tablet held upright, two (story and
papers | form) from about 1,000 px wide.
"""
from __future__ import annotations

import html
import threading
import time
from typing import Any, Callable

import ipywidgets as W

from slrt_sim.apps import form_steps, roleplay, rules_panel, style
from slrt_sim.apps.roleplay import WARM_CLASSES, Field  # noqa: F401 - WARM_CLASSES: server.warm reads it here
from slrt_sim.apps._errors import guarded
from slrt_sim.apps._store import save_progress
from slrt_sim.training import fo_grading
from slrt_sim.training import front_office as rp
from slrt_sim.training.core import PRACTICE_CLASS, DtksIndex
from slrt_sim.training.fo_grading import FoGrade
from slrt_sim.i18n import fmt_num, t
from slrt_sim.domain.programs import PROGRAMS
from slrt_sim.training.store import SessionStore

__all__ = ["FrontOfficeApp", "PRACTICE_CLASS", "show"]

APP = "fo"
_CASES_LOCK = threading.Lock()
FORM_SECTIONS = (("identity", ("nik", "kk", "head", "members", "address")),
                 ("complaint", ("category", "dtks", "needs", "fast_track", "sktm")),
                 ("decision", ("decision", "programs")))
"""The form's three parts, each under a heading (catalogue ``rp.fo.section.*``)."""

CSS = style.CSS + form_steps.CSS + roleplay.CSS


def _e(x: Any) -> str:
    return html.escape(str(x))


class _Checks(W.VBox):
    """A group of checkboxes whose value is the list of ticked codes."""

    def __init__(self, codes: tuple[str, ...], label: Callable[[str], str]):
        self.codes = codes
        self.boxes = {c: W.Checkbox(value=False, description=label(c), indent=False,
                                    layout=W.Layout(width="auto")) for c in codes}
        for c, b in self.boxes.items():
            b.add_class(f"slrt-c-{c}")
        super().__init__(list(self.boxes.values()))
        self.add_class("slrt-checks")

    @property
    def value(self) -> list[str]:
        return [c for c, b in self.boxes.items() if b.value]

    @value.setter
    def value(self, codes) -> None:
        codes = set(codes or [])
        for c, b in self.boxes.items():
            b.value = c in codes

    def observe_all(self, fn) -> None:
        for b in self.boxes.values():
            b.observe(fn, names="value")

    def set_disabled(self, disabled: bool) -> None:
        for b in self.boxes.values():
            b.disabled = disabled


class FrontOfficeApp(roleplay.CaseSequence):
    """The whole app as one widget tree (``.widget``); the methods are what the buttons do."""

    case_area = "grid"  # frozen while the next case is built

    def __init__(self, store: SessionStore | None = None, n_cases: int = 10, clock: Callable[[], float] = time.time,
                 warm: bool = False, check_name: Callable[[str, dict], str | None] | None = None):
        self.store = store if store is not None else SessionStore()
        self.n_cases = n_cases
        self.clock = clock
        self.check_name = check_name
        self.trainee = ""
        self.klass: dict | None = None
        self.cases: list[rp.FoCase] = []
        self.dtks: DtksIndex | None = None
        self.state: dict = {}
        self._restoring = False
        self._build()
        self.warm_thread = roleplay.warm_classes(self.store, self._prepare) if warm else None

    def _prepare(self, klass: dict) -> tuple[list, DtksIndex]:
        """The class's cases and DTKS (built once per process, shared by every trainee)."""
        with _CASES_LOCK:
            return (rp.build_cases(klass["code"], klass["seed"], klass["level"], n=self.n_cases, app=APP),
                    rp.class_dtks(klass["code"], klass["seed"], klass["level"], n=self.n_cases))

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.css = W.HTML(CSS)
        self.title = W.HTML(f"<h2>{_e(t('rp.fo.title'))}</h2><p>{_e(t('rp.fo.intro'))}</p>")
        self.login_box = roleplay.LoginBox(APP, self._open, lambda: self.store, check_name=self.check_name)
        self.name_in, self.code_in = self.login_box.name, self.login_box.code
        self.f_name, self.f_code = self.login_box.f_name, self.login_box.f_code
        self.start_btn = self.login_box.start
        # case
        self.header = W.HTML("")
        self.notice = W.HTML("")
        self.story = W.HTML("")
        self.docs = W.HTML("")
        self.q_nik = W.Text(placeholder="3375…", layout=W.Layout(flex="1 1 auto", width="auto"))
        self.q_name = W.Text(placeholder=t("rp.fo.dtks.name"), layout=W.Layout(flex="1 1 auto", width="auto"))
        self.q_nik.add_class("slrt-q-nik")
        self.q_name.add_class("slrt-q-name")
        self.search_btn = W.Button(description=t("rp.fo.dtks.search"), icon="search")
        self.search_btn.add_class("slrt-search")
        self.search_btn.on_click(guarded(lambda _b: self.search(), lambda: self.notice, "DTKS"))
        self.results = W.HTML("")
        self.results.add_class("slrt-results")
        dtks_box = W.VBox([
            W.HTML(f"<div class='slrt-label'>{_e(t('rp.fo.dtks.title'))}</div>"),
            self._query_row(t("rp.fo.dtks.nik"), self.q_nik),
            self._query_row(t("rp.fo.dtks.name"), self.q_name),
            self.search_btn, self.results])
        dtks_box.add_class("slrt-card")
        left = W.VBox([self.story, self.docs, dtks_box], layout=W.Layout(min_width="0"))

        # the form
        choose = [(t("rp.fo.choose"), None)]
        self.fields: dict[str, Field] = {}

        def add(name: str, widget: W.Widget) -> None:
            self.fields[name] = Field(name, widget, t(f"rp.fo.f.{name}"))

        add("nik", W.Text(placeholder="16 angka"))
        add("kk", W.Text(placeholder="16 angka"))
        add("head", W.Text())
        add("members", W.Textarea(rows=4))
        add("address", W.Textarea(rows=2))
        add("category", W.Dropdown(options=choose + [(t(f"rp.cat.{c}"), c) for c in rp.CATEGORIES], value=None))
        add("dtks", W.RadioButtons(options=[(t(f"rp.dtks.{c}"), c) for c in rp.DTKS_STATUS], value=None))
        add("needs", _Checks(rp.NEEDS, lambda n: t(f"need.{n}")))
        add("fast_track", W.Checkbox(value=False, description=t("rp.fo.f.fast_track"), indent=False))
        add("sktm", W.RadioButtons(options=[(t(f"rp.sktm.{c}"), c) for c in rp.SKTM_CHOICES], value=None))
        add("decision", W.RadioButtons(options=[(t(f"rp.decision.{c}"), c) for c in rp.DECISIONS], value=None))
        add("programs", _Checks(PROGRAMS, lambda p: t(f"prog.{p}.name")))
        self.fields["fast_track"].label.value = ""
        for name, f in self.fields.items():
            if isinstance(f.widget, _Checks):
                f.widget.observe_all(self._on_change)
            else:
                f.widget.observe(self._on_change, names="value")
        self.q_nik.observe(self._on_change, names="value")
        self.q_name.observe(self._on_change, names="value")
        self.submit_btn = W.Button(description=t("rp.fo.submit"), button_style="success", icon="check")
        self.submit_btn.add_class("slrt-submit")
        self.submit_btn.on_click(guarded(lambda _b: self.submit(), lambda: self.notice, "submit"))
        self.form_msg = W.HTML("")
        self.form_msg.add_class("slrt-form-msg")
        # on a phone one part at a time (steps), on a wider screen the whole form
        self.steps = form_steps.FormSteps(
            [(s, t(f"rp.fo.step.{s}"), t(f"rp.fo.section.{s}"), [self.fields[n].box for n in names])
             for s, names in FORM_SECTIONS],
            [self.submit_btn, self.form_msg], root_class="slrt-form-steps", on_change=self._on_step)
        self.save_msg = W.HTML("")  # a refused progress save, said at the top of the form
        self.save_msg.add_class("slrt-save-line")
        form = W.VBox([W.HTML(f"<h3>{_e(t('rp.fo.form.title'))}</h3>"), self.save_msg, self.steps.widget],
                      layout=W.Layout(min_width="0"))
        form.add_class("slrt-card")
        form.add_class("slrt-form")
        self.form = form
        self.grid = W.GridBox([left, form], layout=W.Layout(
            grid_template_columns="repeat(auto-fit, minmax(min(100%, 480px), 1fr))", grid_gap="12px",
            width="100%"))
        # feedback: a short summary, the detail folded, the timelines, "Kasus berikutnya"
        self.next_btn = W.Button(description=t("rp.fo.next"), button_style="primary", icon="arrow-right")
        self.next_btn.add_class("slrt-next")
        self.next_btn.on_click(guarded(lambda _b: self.next_case(), lambda: self.notice, "next"))
        self.panel = roleplay.FeedbackPanel([self.next_btn])
        self.feedback, self.outcome, self.feedback_box = self.panel.summary, self.panel.outcome.widget, self.panel.widget
        self.busy = roleplay.Busy()
        self.rules = W.HTML(rules_panel.CSS + rules_panel.rules_html([t("rules.fo.general")]))
        self.rules.add_class("slrt-rules")
        self.to_case = form_steps.ScrollTop(selector=".slrt-case-box", layout=W.Layout(display="none"))
        self.case_box = W.VBox([self.header, self.notice, self.busy.widget, self.feedback_box, self.rules, self.grid, self.to_case])
        self.case_box.add_class("slrt-case-box")
        self.case_box.layout.display = "none"
        # name and class code survive a reload (kept in this browser)
        self.widget = W.VBox([self.css, self.title, self.login_box.widget, self.case_box],
                             layout=W.Layout(width="100%"))
        roleplay.root(self.widget, APP)

    # ------------------------------------------------------------------ login / restore
    def login(self, name: str, code: str) -> bool:
        """What "Mulai" does (:meth:`roleplay.LoginBox.submit`): True when the cases are open."""
        return self.login_box.submit(name, code)

    def _open(self, name: str, klass: dict) -> None:
        self.trainee, self.klass = name, klass
        self.cases, self.dtks = self._prepare(klass)
        self._resume_or_start(self.store.load_progress(name, klass["code"], APP), "rp.fo.resumed")

    @staticmethod
    def _query_row(label: str, box: W.Text) -> W.HBox:
        row = W.HBox([W.HTML(_e(label), layout=W.Layout(width="56px", flex="0 0 56px")), box],
                     layout=W.Layout(width="100%"))
        row.add_class("slrt-q-row")
        return row

    def _new_case_state(self) -> None:
        self.state.update({"started_at": self.clock(), "form": {}, "query": {"nik": "", "name": ""},
                           "submitted": False, "grade": None, "step": 0})

    def _on_step(self, i: int) -> None:
        """The trainee moved to part ``i`` of the form (on a phone): kept, so a reload opens it again."""
        if self.klass is not None and self.case is not None and not self._restoring:
            self.state["step"] = i
            self._save()

    def _mark_steps(self, errors: dict, open_first: bool) -> None:
        per_part = {s: sum(1 for n in names if n in errors) for s, names in FORM_SECTIONS}
        self.steps.mark(per_part, open_first=open_first)

    def _show_case(self) -> None:
        case = self.case
        k = self.klass
        level = t(f"rp.fo.level.{k['level']}")
        if case is None:  # all done
            scores = list(self.state.get("scores", {}).values())
            mean = sum(scores) / len(scores) if scores else 0.0
            self.header.value = t("rp.fo.header", name=_e(self.trainee), code=_e(k["code"]), level=level,
                                  i=len(self.cases), n=len(self.cases))
            self.feedback.value = f"<p>{t('rp.fo.done', n=len(self.cases), mean=fmt_num(mean, 1))}</p>"
            self.next_btn.layout.display = "none"
            self.feedback_box.layout.display = None
            self.grid.layout.display = "none"
            return
        self.header.value = t("rp.fo.header", name=_e(self.trainee), code=_e(k["code"]), level=level,
                              i=self.state["case_index"] + 1, n=len(self.cases))
        self.story.value = (f"<div class='slrt-card slrt-story'><div class='slrt-label'>{_e(t('rp.fo.story'))}</div>"
                            f"{_e(case.story)}</div>")
        self.docs.value = self._documents_html(case.documents)
        self.fields["sktm"].box.layout.display = None if case.documents["sktm"] else "none"
        self._restoring = True
        try:
            form = self.state.get("form", {})
            for name, f in self.fields.items():
                f.mark(None)
                default = [] if isinstance(f.widget, _Checks) else (False if name == "fast_track" else
                                                                      None if name in ("category", "dtks", "sktm",
                                                                                       "decision") else "")
                value = form.get(name, default)
                if name in ("category", "dtks", "sktm", "decision") and value not in dict(
                        (v, v) for _, v in f.widget.options if v is not None):
                    value = None
                f.widget.value = value
            q = self.state.get("query", {})
            self.q_nik.value, self.q_name.value = q.get("nik", ""), q.get("name", "")
            self.steps.mark({})
            self.steps.go(int(self.state.get("step", 0) or 0), scroll=False)  # restored, not saved again
        finally:
            self._restoring = False
        self.results.value = ""
        if q.get("nik") or q.get("name"):
            self.search(save=False)
        self.form_msg.value = ""
        self.grid.layout.display = None
        submitted = bool(self.state.get("submitted"))
        self._set_form_disabled(submitted)
        if submitted and self.state.get("grade"):
            self._show_feedback(self.state["grade"])
        else:
            self.feedback_box.layout.display = "none"

    def _set_form_disabled(self, disabled: bool) -> None:
        for f in self.fields.values():
            if isinstance(f.widget, _Checks):
                f.widget.set_disabled(disabled)
            else:
                f.widget.disabled = disabled
        self.submit_btn.disabled = disabled

    # ------------------------------------------------------------------ documents
    def _documents_html(self, docs: dict) -> str:
        parts = [f"<div class='slrt-label'>{_e(t('rp.fo.documents'))}</div>"]
        ktp = docs.get("ktp")
        if ktp:
            title = t("rp.fo.doc.ktp_copy") if ktp["copy"] else t("rp.fo.doc.ktp")
            parts.append(
                f"<div class='slrt-card slrt-doc-ktp'><b>{_e(title)}</b><table class='slrt-t'>"
                f"<tr><th>NIK</th><td class='slrt-ktp-nik'>{_e(ktp['nik'])}</td></tr>"
                f"<tr><th>{_e(t('rp.fo.doc.owner'))}</th><td>{_e(ktp['owner'])}</td></tr>"
                f"<tr><th>{_e(t('rp.fo.doc.birth'))}</th><td>{_e(ktp['birth_date'])}</td></tr>"
                f"<tr><th>{_e(t('rp.fo.doc.sex'))}</th><td>{_e(ktp['sex'])}</td></tr>"
                f"<tr><th>{_e(t('rp.fo.doc.address'))}</th><td>{_e(ktp['address'])}</td></tr></table></div>")
        kk = docs.get("kk")
        if kk:
            kk_table = style.table(
                [t("rp.fo.doc.owner"), "NIK", "L/P", t("rp.fo.doc.birth"), t("rp.fo.doc.relation")],
                [[_e(m["name"]), _e(m["nik"]), _e(m["sex"]), _e(m["birth_date"]), _e(m["relation"])]
                 for m in kk["members"]], cls="slrt-t slrt-kk-members")
            parts.append(
                f"<div class='slrt-card slrt-doc-kk'><b>{_e(t('rp.fo.doc.kk'))}</b> "
                f"{_e(t('rp.fo.doc.number'))}: <span class='slrt-kk-number'>{_e(kk['number'])}</span><br>"
                f"{_e(t('rp.fo.doc.head'))}: {_e(kk['head'])}<br>{_e(t('rp.fo.doc.address'))}: {_e(kk['address'])}"
                f"{kk_table}</div>")
        sktm = docs.get("sktm")
        if sktm:
            parts.append(
                f"<div class='slrt-card slrt-doc-sktm'><b>{_e(t('rp.fo.doc.sktm'))}</b><br>"
                f"{_e(t('rp.fo.doc.number'))}: {_e(sktm['number'])}<br>{_e(t('rp.fo.doc.issuer'))}: "
                f"{_e(sktm['issuer'])}<br>{_e(t('rp.fo.doc.holder'))}: {_e(sktm['holder'])}</div>")
        if docs.get("cards"):
            parts.append(f"<div class='slrt-card'><b>{_e(t('rp.fo.doc.kks'))}</b></div>")
        if len(parts) == 1:
            parts.append(f"<div>{_e(t('rp.fo.doc.none'))}</div>")
        return "<div class='slrt-card'>" + "".join(parts) + "</div>"

    # ------------------------------------------------------------------ DTKS search
    def search(self, save: bool = True) -> list[dict]:
        nik, name = self.q_nik.value.strip(), self.q_name.value.strip()
        if not nik and not name:
            self.results.value = f"<div class='slrt-err'>{_e(t('rp.fo.dtks.empty_query'))}</div>"
            return []
        found = self.dtks.search(nik=nik, name=name)
        if not found:
            self.results.value = f"<div class='slrt-dtks-none'><b>{_e(t('rp.fo.dtks.none'))}</b></div>"
        else:
            cards = []
            for r in found:
                members = ", ".join(f"{_e(m['name'])} ({_e(m['relation'])}, {m['age']}; {_e(m['nik'])})"
                                    for m in r["members"]) or "—"
                progs = ", ".join(_e(t(f"prog.{p}.name")) for p in r["programs"]) or "—"
                cards.append(
                    f"<div class='slrt-card slrt-dtks-record'><b>{_e(r['head_name'])}</b> · {_e(r['record_id'])}"
                    f"<table class='slrt-t'><tr><th>NIK</th><td>{_e(r['nik'])}</td></tr>"
                    f"<tr><th>KK</th><td>{_e(r['kk'] or '—')}</td></tr>"
                    f"<tr><th>{_e(t('rp.fo.doc.address'))}</th><td>{_e(r['address'])}</td></tr>"
                    f"<tr><th>{_e(t('rp.fo.dtks.decile'))}</th><td>{r['decile']}</td></tr>"
                    f"<tr><th>{_e(t('rp.fo.dtks.year'))}</th><td>{r['year']}</td></tr>"
                    f"<tr><th>{_e(t('rp.fo.dtks.programs'))}</th><td>{progs}</td></tr>"
                    f"<tr><th>{_e(t('rp.fo.dtks.members'))}</th><td>{members}</td></tr></table></div>")
            self.results.value = (f"<div class='slrt-dtks-count'>{_e(t('rp.fo.dtks.results', n=len(found)))}</div>"
                                  + "".join(cards))
        if save:
            self.state.setdefault("searches", 0)
            self.state["searches"] += 1
            self._save()
        return found

    # ------------------------------------------------------------------ form state
    def answers(self) -> dict:
        out = {}
        for name, f in self.fields.items():
            v = f.widget.value
            out[name] = list(v) if isinstance(v, (list, tuple)) else v
        return out

    def set_form(self, values: dict) -> None:
        """Fill form fields (as a trainee would type them); used by tests and restore."""
        for name, v in values.items():
            self.fields[name].widget.value = v

    def _on_change(self, _change=None) -> None:
        if self._restoring or self.klass is None or self.case is None or self.state.get("submitted"):
            return
        self.state["form"] = self.answers()
        self.state["query"] = {"nik": self.q_nik.value, "name": self.q_name.value}
        marked = [n for n, f in self.fields.items() if "slrt-invalid" in f.widget._dom_classes]
        if marked:  # a marked field is re-checked as it is corrected
            errors = rp.validate(self.state["form"], self.case)
            for name in marked:
                self.fields[name].mark(errors.get(name))
            self._mark_steps({n: 1 for n in marked if errors.get(n)}, open_first=False)
        self._save()

    def _save(self) -> None:
        """Save the state; a refusal is said above the form (the widgets keep what was typed)."""
        if self.klass is not None:
            self.save_msg.value = save_progress(self.store, self.trainee, self.klass["code"], APP, self.state) or ""

    # ------------------------------------------------------------------ submit
    def submit(self) -> FoGrade | None:
        case = self.case
        if case is None or self.state.get("submitted"):
            return None
        answers = self.answers()
        errors = rp.validate(answers, case)
        for name, f in self.fields.items():
            f.mark(errors.get(name))
        self._mark_steps(errors, open_first=True)  # on a phone: the first part with a mistake opens
        if errors:
            self.form_msg.value = f"<div class='slrt-err'>{_e(t('rp.fo.form_invalid'))}</div>"
            self.state["form"] = answers
            self._save()
            return None
        self.form_msg.value = ""
        with self.busy.working(t("rp.busy.grading"), self.form):
            grade = fo_grading.grade(case, answers)
            now = self.clock()
            self.store.save_submission(
                trainee=self.trainee, class_code=self.klass["code"], app=APP, case_id=case.case_id, answers=answers,
                score=grade.score, max_score=grade.max_score,
                feedback=[{k: i[k] for k in ("item", "ok", "rule", "message")} for i in grade.items],
                started_at=float(self.state.get("started_at", now)), submitted_at=now)
            self.state.update({"form": answers, "submitted": True,
                               "grade": {"score": grade.score, "items": grade.items}})
            self.state.setdefault("scores", {})[case.case_id] = grade.score
            self.state.setdefault("answers", {})[str(self.state.get("case_index", 0))] = answers
            self._save()
            self._set_form_disabled(True)
            self._show_feedback(self.state["grade"])
        return grade

    def _show_feedback(self, grade: dict) -> None:
        from slrt_sim.apps import fo_feedback

        summary, detail = fo_feedback.feedback_html(grade, self.case)
        outcome = None
        if self.state.get("answers"):  # what this case's file did, played with the answers as they are now
            cid, answers = self.case.case_id, {int(i): dict(a) for i, a in self.state["answers"].items()}
            outcome = lambda: self._outcome_html(cid, answers)  # noqa: E731
        self.panel.show(summary, detail, outcome=outcome)
        self.next_btn.layout.display = None

    def outcome_pair(self, answers: dict | None = None):
        """The trainee's submitted files so far played in the class's kelurahan, against the key."""
        from slrt_sim.training import outcomes  # the simulation (pandas, the model): after a submit only

        k = self.klass
        if answers is None:
            answers = {int(i): a for i, a in self.state.get("answers", {}).items()}
        return outcomes.fo_outcome(k["code"], k["seed"], k["level"], answers, n=len(self.cases))

    def _outcome_html(self, case_id: str, answers: dict) -> str:
        from slrt_sim.apps import outcome_view  # outcome timelines after a submit

        return outcome_view.pair_html(self.outcome_pair(answers), case_id, self.klass["seed"])

    def _leave_case(self) -> None:
        self.story.value = self.docs.value = ""  # the old resident's story never stays beside the new form

    def next_case(self) -> bool:
        moved = super().next_case()
        if moved:
            self.to_case.nonce += 1  # the new resident's story on screen, not the middle of the page
        return moved


def show(store: SessionStore | None = None) -> FrontOfficeApp:
    """Display the app in a notebook / Voila page and return it."""
    from IPython.display import display

    app = FrontOfficeApp(store, warm=True)
    display(app.widget)
    return app
