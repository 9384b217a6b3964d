"""The back-office role-play app (``notebooks/roleplay_back_office.ipynb``).

Presentation only: the queue, the answer key and the grading are in
:mod:`slrt_sim.training.back_office`; saving is :class:`slrt_sim.training.store.SessionStore` (``app="bo"``).
Every change of the form is saved at once, so a reload (or another device, same name and
class code) continues where the trainee was; the submission and its feedback are saved
too and shown again after a reload.
"""
from __future__ import annotations

import base64
import copy
import datetime as dt
import html
import threading
import time
from typing import Any

import ipywidgets as W

from slrt_sim.apps._store import LazyStore, save_progress
from slrt_sim.apps import roleplay, rules_panel, style
from slrt_sim.apps._errors import guarded
from slrt_sim.domain import programs
from slrt_sim.training import back_office as bo
from slrt_sim.training import bo_grading
from slrt_sim.training import letters as referral_letters
from slrt_sim.training.dashboard import PRACTICE_SUFFIX
from slrt_sim.training.views import registration_html
from slrt_sim.i18n import t

APP = "bo"
SUBMISSION_CASE = "ANTREAN"
"""``case_id`` of a back-office submission (the whole queue is graded at once)."""

CSS = style.CSS + roleplay.CSS


def _table(head: list[str], rows: list[list[str]], cls: str = "slrt-t", stack: bool = True) -> str:
    return style.table(head, rows, cls=cls, stack=stack)


def dtks_html(queue: bo.Queue, case: bo.BoCase) -> str:
    e = html.escape
    r = case.registration
    out = []
    for title, found in ((t("bo.check.by_nik", nik=r["nik"]), bo.dtks_search(queue, nik=r["nik"])),
                         (t("bo.check.by_name", name=r["name"]), bo.dtks_search(queue, name=r["name"]))):
        out.append(f"<b>{e(title)}</b>: ")
        if not found:
            out.append(f"<i>{e(t('bo.check.not_found'))}</i><br>")
            continue
        rows = [[f"<code>{e(x['nik'])}</code>", e(x["name"]), f"<code>{e(x['kk'])}</code>", e(x["address"]),
                 str(x["decile"]), str(x["year"]), e(", ".join(x.get("members") or []) or "-"),
                 e(", ".join(t(f"prog.{p}.name") for p in x["receives"]) or "-")] for x in found]
        out.append(_table([t("bo.check.col.nik"), t("bo.col.name"), t("bo.check.col.kk"), t("bo.check.col.address"),
                           t("bo.check.col.decile"), t("bo.check.col.year"), t("bo.check.col.members"),
                           t("bo.check.col.receives")], rows))
    return '<div class="slrt-box slrt-dtks">' + "".join(out) + "</div>"


def verval_html(case: bo.BoCase) -> str:
    """What the fasilitator's visit finds (the effective profile after the visit)."""
    from ..i18n import category_label as label

    e = html.escape
    p = case.truth if bo.verval_needed(case) or case.problem == "duplicate" else bo.effective_profile(case)
    decile = int(p.get("verified_decile") or 0) or int(p["dtks_decile"]) or int(p["true_decile"])
    lines = [
        t("bo.verval.decile", decile=decile),
        t("bo.verval.house", floor=label("floor", p["floor"]), wall=label("wall", p["wall"]),
          roof=label("roof", p["roof"]), land=t("bo.yes") if p["owns_land"] else t("bo.no")),
        t("bo.verval.docs_ok") if programs.documents_ok(p) else t("bo.verval.docs_missing"),
        t("bo.verval.receives", programs=", ".join(t(f"prog.{c}.name") for c, f in programs.RECEIPT_FLAGS.items()
                                                    if p.get(f)) or "-"),
    ]
    return ('<div class="slrt-box slrt-verval"><b>' + e(t("bo.verval.requested")) + "</b><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul></div>")


def letter_link(queue: bo.Queue, case_id: str, program: str, seq: int, date: dt.date) -> str:
    page = referral_letters.letter_html(queue, case_id, program, seq, date, standalone=True)
    data = base64.b64encode(page.encode("utf-8")).decode("ascii")
    return (f'<a class="slrt-letter-download" download="surat-rujukan-{html.escape(case_id)}-{program}.html" '
            f'href="data:text/html;charset=utf-8;base64,{data}">{html.escape(t("bo.letters.download"))}</a>')


PRINT_ICON = ('<svg class="slrt-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" '
              'style="vertical-align:-2px" fill="currentColor"><path d="M4 1h8v4H4z"/>'
              '<path d="M2 6h12a1 1 0 0 1 1 1v5h-3v3H4v-3H1V7a1 1 0 0 1 1-1zm3 5v3h6v-3z"/></svg>')
"""A printer drawn inline (an emoji printer shows as a missing-glyph box where no emoji font is installed)."""


def letter_view_html(queue: bo.Queue, case_id: str, program: str, seq: int, date: dt.date) -> str:
    """A letter on screen with its "Cetak surat" and download buttons."""
    return (f"<style>{referral_letters.LETTER_CSS}</style>"
            f"<div class='slrt-noprint' style='margin:6px 0'>"
            f"<button class='slrt-print' onclick='window.print()'>{PRINT_ICON} "
            f"{html.escape(t('bo.letters.print'))}</button> "
            f"{letter_link(queue, case_id, program, seq, date)}</div>"
            + referral_letters.letter_html(queue, case_id, program, seq, date))


class CasePanel:
    """The form of one registration; its widgets are made when its tab is first shown
    (:meth:`build`): a queue of 8 cases is ~400 widgets, and 70 trainees starting at once would
    make the server relay them all in the same minute."""

    def __init__(self, app: "BackOfficeApp", case: bo.BoCase, state: dict):
        self.app, self.case, self.state = app, case, state
        self.widget = W.VBox()
        self.widget.add_class(f"slrt-case-{case.case_id}")
        self._checked = bool(state.get("checked"))
        self._verval = bool(state.get("verval"))
        self._disabled = False
        self.built = False

    def build(self) -> None:
        if self.built:
            return
        self.built = True
        app, case, state = self.app, self.case, self.state
        q = app.queue
        cid = case.case_id
        self.reg = W.HTML(registration_html(case))
        self.check_btn = W.Button(description=t("bo.check.button"), icon="search")
        self.check_btn.add_class(f"slrt-check-{cid}")
        self.check_out = W.HTML()
        self.status = W.Dropdown(options=[(t("bo.status.choose"), None)] + [(t(f"bo.status.{s}"), s)
                                                                              for s in bo.STATUSES],
                                 value=state.get("status"), description=t("bo.status.label"),
                                 style={"description_width": "initial"}, layout=W.Layout(width="460px", max_width="100%"))
        self.status.add_class(f"slrt-status-{cid}")
        self.verval_btn = W.Button(description=t("bo.verval.button"), icon="home", layout=W.Layout(width="auto"))
        self.verval_btn.add_class(f"slrt-verval-{cid}")
        self.verval_out = W.HTML()
        self.decisions: dict[str, W.ToggleButtons] = {}
        rows = []
        for p in case.candidates:
            tb = W.ToggleButtons(options=[(t("bo.decision.yes"), True), (t("bo.decision.no"), False)],
                                 value=(state.get("decisions") or {}).get(p),
                                 style={"button_width": "auto"})
            tb.add_class(f"slrt-dec-{cid}-{p}")
            self.decisions[p] = tb
            row = W.HBox([W.HTML(f"<b>{html.escape(t(f'prog.{p}.name'))}</b>",
                                 layout=W.Layout(width="230px", max_width="100%")), tb])
            row.add_class("slrt-dec-row")
            rows.append(row)
        self.priority = W.BoundedIntText(value=int(state.get("priority") or 0), min=0, max=len(q.cases),
                                         description=t("bo.priority.label"), style={"description_width": "initial"},
                                         layout=W.Layout(width="320px", max_width="100%"))
        self.priority.add_class(f"slrt-priority-{cid}")
        if state.get("checked"):
            self.check_out.value = dtks_html(q, case)
        if state.get("verval"):
            self._show_verval()
        self.check_btn.on_click(guarded(self._on_check, lambda: self.app.saved, "DTKS"))
        self.verval_btn.on_click(guarded(self._on_verval, lambda: self.app.saved, "verval"))
        for w in [self.status, self.priority, *self.decisions.values()]:
            w.observe(lambda _ch: self.app.changed(), names="value")
        self.widget.children = [
            self.reg, W.HBox([self.check_btn]), self.check_out, self.status,
            W.HBox([self.verval_btn]), self.verval_out,
            W.HTML(f"<b>{html.escape(t('bo.decisions.title'))}</b>"), *rows,
            self.priority, W.HTML(f"<small>{html.escape(t('bo.priority.help'))}</small>"),
        ]
        if self._disabled:
            self.set_disabled(True)

    def _on_check(self, _b=None) -> None:
        # the queue's DTKS is loaded once (in the background from the login on); a sign until it is there
        with self.app.busy.working(t("rp.busy.check"), self.check_btn):
            self.check_out.value = dtks_html(self.app.queue, self.case)
        self._checked = True
        self.app.changed()

    def _show_verval(self) -> None:
        self.verval_out.value = verval_html(self.case)
        self.verval_btn.disabled = True

    def _on_verval(self, _b=None) -> None:
        self._verval = True
        self._show_verval()
        self.app.changed()

    def answers(self) -> dict:
        if not self.built:  # never shown: the saved answers as they are
            s = self.state
            return {"checked": self._checked, "status": s.get("status"), "verval": self._verval,
                    "decisions": {p: (s.get("decisions") or {}).get(p) for p in self.case.candidates},
                    "priority": int(s.get("priority") or 0) or None}
        return {"checked": self._checked, "status": self.status.value, "verval": self._verval,
                "decisions": {p: tb.value for p, tb in self.decisions.items()},
                "priority": int(self.priority.value) or None}

    def set_disabled(self, disabled: bool) -> None:
        self._disabled = disabled
        if not self.built:
            return
        for w in [self.status, self.priority, self.check_btn, *self.decisions.values()]:
            w.disabled = disabled
        self.verval_btn.disabled = disabled or self._verval


class BackOfficeApp(LazyStore):
    """Login, then the queue form, the submission and the feedback with the letters."""

    def __init__(self, store=None, check_name=None):
        self._store = store
        self.queue: bo.Queue | None = None
        self.trainee = ""
        self.panels: list[CasePanel] = []
        self.state: dict[str, Any] = {}
        self.login_box = roleplay.LoginBox(APP, self.open_queue, lambda: self.store, check_name=check_name,
                                           loading=t("bo.login.loading"))
        self.name, self.code = self.login_box.name, self.login_box.code
        self.start, self.message = self.login_box.start, self.login_box.message
        self.main = W.VBox()
        self.widget = W.VBox([
            W.HTML(CSS + f"<h2>{html.escape(t('bo.title'))}</h2><p>{html.escape(t('bo.intro'))}</p>"),
            self.login_box.widget, self.main,
        ])
        roleplay.root(self.widget, APP)

    # ------------------------------------------------------------------ login
    def _on_start(self, _b=None) -> bool:
        """What "Mulai" does (:meth:`roleplay.LoginBox.submit`)."""
        return self.login_box.submit()

    def open_queue(self, name: str, klass: dict) -> None:
        self.trainee = name
        # the queue is made of what the class's front office registered (fixed at the start)
        saved = self.store.load_progress(name, klass["code"], APP)
        registered = (saved or {}).get("registered")
        if registered is None:
            registered = bo.fo_registrations(self.store, klass["code"])
        self.queue = bo.build_queue(klass["code"], int(klass["seed"]), klass["level"], registered=registered)
        resumed = bool(saved)
        self.state = saved or {"answers": bo.empty_answers(self.queue), "started_at": time.time(),
                               "submitted": None}
        self.state["registered"] = registered
        self._build(resumed)
        if not resumed:
            self._save()
        queue = self.queue  # the first "Cek DTKS" then finds the DTKS loaded
        threading.Thread(target=lambda: queue.dtks, name="slrt-bo-dtks", daemon=True).start()

    # ------------------------------------------------------------------ the form
    def _build(self, resumed: bool) -> None:
        q = self.queue
        answers = self.state.get("answers") or bo.empty_answers(q)
        head = html.escape(t("bo.header", code=q.class_code, level=t(f"bo.level.{q.level}"), n=len(q.cases),
                             name=self.trainee))
        quota_rows = [[html.escape(t(f"prog.{p}.name")),
                       html.escape(t("bo.quota.none")) if p in bo.NO_QUOTA else str(q.quota.get(p, 0))]
                      for p in q.programs]
        self.header = W.HTML(f"<h3 class='slrt-bo-header'>{head}</h3>"
                             + (f"<p><i>{html.escape(t('bo.resumed'))}</i></p>" if resumed else "")
                             + f"<b>{html.escape(t('bo.quota.title'))}</b>"
                             + _table([t("bo.quota.col.program"), t("bo.quota.col.quota")], quota_rows,
                                      cls="slrt-t slrt-quota", stack=False)
                             + f"<div class='slrt-rule slrt-priority-rule'><b>{html.escape(t('bo.rules.priority_title'))}"
                             f"</b> {html.escape(t('bo.rule.priority'))}</div>"
                             + rules_panel.CSS
                             + rules_panel.rules_html([t("rules.bo.general", years=bo.STALE_YEARS)], q.programs))
        self.panels = [CasePanel(self, c, answers.get("cases", {}).get(c.case_id, {})) for c in q.cases]
        self.tabs = W.Tab(children=[p.widget for p in self.panels])
        self.tabs.titles = tuple(f"{c.case_id} {c.head_name.split()[0]}" for c in q.cases)
        self.tabs.selected_index = int(self.state.get("tab") or 0)
        self.panels[self.tabs.selected_index].build()
        self.tabs.observe(self._on_tab, names="selected_index")
        self.submit = W.Button(description=t("bo.submit"), button_style="success", icon="paper-plane",
                               layout=W.Layout(width="auto"))
        self.submit.add_class("slrt-submit")
        self.submit.on_click(guarded(self._on_submit, lambda: self.saved, "submit"))
        self.saved = W.HTML()
        self.saved.add_class("slrt-saved")
        self.again = W.Button(description=t("bo.again"), icon="redo")
        self.again.add_class("slrt-again")
        self.again.on_click(guarded(self._on_again, lambda: self.saved, "again"))
        self.panel = roleplay.FeedbackPanel([self.again])
        self.result = self.panel.widget
        self.result.add_class("slrt-result")
        self.busy = roleplay.Busy()
        self._confirm = False
        self.main.children = [self.header, self.tabs, W.HBox([self.submit, self.saved]), self.busy.widget, self.result]
        if self.state.get("submitted"):
            self._show_result(self.state["submitted"])

    def answers(self) -> dict:
        return {"cases": {p.case.case_id: p.answers() for p in self.panels}}

    def _on_tab(self, change) -> None:
        if change["new"] is not None:
            self.panels[change["new"]].build()
        self.changed()

    def changed(self) -> None:
        if self.state.get("submitted"):
            return
        self._confirm = False
        self.state["answers"] = self.answers()
        self.state["tab"] = self.tabs.selected_index
        self._save()

    def _save(self) -> None:
        """Save the state; "Tersimpan hh:mm:ss", or the line saying the store refused it (the widgets
        keep what was typed)."""
        refused = save_progress(self.store, self.trainee, self.queue.class_code, APP, self.state)
        if hasattr(self, "saved"):
            self.saved.value = refused or f"<small>{html.escape(t('bo.saved', time=roleplay.now_text()))}</small>"

    # ------------------------------------------------------------------ submit and feedback
    def _on_submit(self, _b=None) -> None:
        answers = self.answers()
        empty = len(bo.open_decisions(self.queue, answers))
        if empty and not self._confirm:
            self._confirm = True
            self.saved.value = f'<span class="slrt-bad">{html.escape(t("bo.submit.confirm_missing", n=empty))}</span>'
            return
        with self.busy.working(t("rp.busy.submit"), self.submit, self.tabs):
            self.submit_answers(answers)

    def submit_answers(self, answers: dict, submitted_at: float | None = None) -> dict:
        q = self.queue
        submitted_at = submitted_at or time.time()
        started = float(self.state.get("started_at") or submitted_at)
        g = bo_grading.grade(q, answers, started, submitted_at)
        feedback = [{"item": i["item"], "ok": i["ok"], "rule": i["rule"], "message": i["message"],
                     "points": i["points"], "max_points": i["max_points"]} for i in g.items]
        practice = int(self.state.get("attempt") or 0) > 0  # "Again": a practice attempt, marked as such
        sid = self.store.save_submission(trainee=self.trainee, class_code=q.class_code, app=APP,
                                         case_id=SUBMISSION_CASE + (PRACTICE_SUFFIX if practice else ""),
                                         answers=answers, score=g.score,
                                         max_score=g.max_score, feedback=feedback, started_at=started,
                                         submitted_at=submitted_at)
        result = {"id": sid, "score": g.score, "max_score": g.max_score, "items": feedback,
                  "letters": [list(x) for x in g.valid_letters()], "practice": practice,
                  "withheld": len(g.letters()) - len(g.valid_letters()), "submitted_at": submitted_at,
                  "date": dt.date.fromtimestamp(submitted_at).isoformat()}
        self.state.update(answers=answers, submitted=result)
        self._save()
        self._show_result(result)
        return result

    def _show_result(self, result: dict, scroll: bool = True) -> None:
        from slrt_sim.apps import bo_feedback

        for p in self.panels:
            p.set_disabled(True)
        self.submit.disabled = True
        summary, rows = bo_feedback.result_html(result, self.queue)
        summary += f"<p>{html.escape(t('bo.result.submitted', time=roleplay.now_text(result['submitted_at'])))}</p>"
        if result.get("practice"):
            summary += f"<p class='slrt-practice'><b>{html.escape(t('bo.practice.note'))}</b></p>"
        answers = copy.deepcopy(self.state.get("answers") or bo.empty_answers(self.queue))
        self.panel.show(summary + rows, extra=self._letters(result), outcome=lambda: self.outcome_html(answers),
                        scroll=scroll, outcome_title=t("rp.sum.timelines"))

    def _letters(self, result: dict) -> list[W.Widget]:
        """The referral letters of a result: pick one, see it, print it or download it."""
        issued = [tuple(x) for x in result["letters"]]
        date = dt.date.fromisoformat(result["date"])
        parts: list[W.Widget] = [W.HTML(f"<h3>{html.escape(t('bo.letters.title'))}</h3>")]
        if result.get("withheld"):
            parts.append(W.HTML(f"<p class='slrt-withheld'>{html.escape(t('bo.letters.withheld', n=result['withheld']))}</p>"))
        if not issued:
            return parts + [W.HTML(f"<p>{html.escape(t('bo.letters.none'))}</p>")]
        options = [(f"{k + 1}. {cid} · {self.queue.case(cid).head_name} → {t(f'prog.{p}.name')}", k)
                   for k, (cid, p) in enumerate(issued)]
        pick = W.Dropdown(options=options, value=0, description=t("bo.letters.choose"),
                          layout=W.Layout(width="520px", max_width="100%"))
        pick.add_class("slrt-letter-pick")
        open_btn = W.Button(description=t("bo.letters.open"), icon="envelope-open")
        open_btn.add_class("slrt-letter-open")
        view = W.HTML()
        view.add_class("slrt-letter-view")

        def show(_=None):
            k = pick.value if pick.value is not None else 0
            cid, prog = issued[k]
            view.value = letter_view_html(self.queue, cid, prog, k + 1, date)

        open_btn.on_click(guarded(show, view, "letter"))
        pick.observe(show, names="value")
        return parts + [W.HBox([pick, open_btn]), view]

    def outcome_html(self, answers: dict | None = None) -> str:
        """Issue 9: the submitted answers played in the class's kelurahan, against the key."""
        from slrt_sim.apps import outcome_view  # the simulation (pandas, the model): after a submit only
        from slrt_sim.training import bo_outcomes

        q = self.queue
        pair = bo_outcomes.bo_outcome(q, answers or self.state.get("answers") or bo.empty_answers(q))
        rows = [(c.case_id, f"{c.case_id} · {c.head_name}") for c in q.cases if c.problem != "duplicate"]
        return outcome_view.queue_html(pair, rows, q.seed)

    def _on_again(self, _b=None) -> None:
        attempt = int(self.state.get("attempt") or 0) + 1  # every later submission is a practice attempt
        self.state = {"answers": bo.empty_answers(self.queue), "started_at": time.time(), "submitted": None,
                      "registered": self.queue.registered, "attempt": attempt}
        self._save()
        self._build(False)


def show(store=None, warm: bool = True) -> W.Widget:
    """The app's widget (the notebook displays it).

    ``warm`` loads the newest classes' queues now (from the class cache, :mod:`slrt_sim.training.case_cache`:
    no population in the kernel): Voila pre-heats the kernel by running the notebook, so the
    trainee's "Start" then only applies the front office's registrations.
    """
    app = BackOfficeApp(store)
    if warm:  # the newest classes' queues (cached in the process), as the front office does
        # ... and their DTKS (unpickled from the class cache when the server made it), so that the
        # first "Cek DTKS" does not wait for it
        roleplay.warm_classes(app.store, lambda k: bo.build_queue(k["code"], int(k["seed"]), k["level"]).dtks)
    return app.widget
