"""The trainer dashboard app (``notebooks/trainer_dashboard.ipynb``).

Nothing is shown before the right PIN (``SLRT_TRAINER_PIN``). Then: create or choose a class,
follow it live (the view polls the store every few seconds and redraws only when a new
submission arrived), the score distribution, the most common mistakes by rule, the
discussion of each case with the right answer, and downloads (CSV, Excel) made in the page.
"""
from __future__ import annotations

import asyncio
import html
import re
import time

import ipywidgets as W

from slrt_sim.apps import _hall
from slrt_sim.apps._store import LazyStore
from slrt_sim.apps import style
from slrt_sim.apps._errors import guarded
from slrt_sim.training import dashboard as dash
from slrt_sim.apps import outcome_view  # the class's kelurahan
from slrt_sim.apps import dashboard_hv
from slrt_sim.training import class_outcomes, hv_class
from slrt_sim.training.home_visit import build_cases as hv_cases
from slrt_sim.training.core import LEVELS
from slrt_sim.i18n import fmt_num, t

REFRESH_SECONDS = 3.0
"""How often the live view looks for new submissions (it redraws only when there are some)."""
CODE_RE = re.compile(r"^[A-Z0-9_-]{2,16}$")

CSS = """<style>
.slrt-dash table.slrt-t{border-collapse:collapse;margin:4px 0;font-size:13px}
.slrt-dash table.slrt-t td,.slrt-dash table.slrt-t th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
.slrt-dash .slrt-bad{color:#b3261e;font-weight:bold}.slrt-dash .slrt-ok{color:#1b7f3b}
.slrt-dash a.slrt-dl{display:inline-block;margin:4px 12px 4px 0;padding:4px 10px;border:1px solid #888;border-radius:4px;text-decoration:none}
.slrt-dash .lm-TabBar-tab{flex:0 0 auto !important;max-width:none !important;min-width:150px}
.slrt-dash .slrt-box{border:1px solid #ddd;border-radius:4px;padding:6px 10px;margin:4px 0;background:#fafafa}
.slrt-dash .slrt-stats{display:flex;flex-wrap:wrap;gap:8px 24px;margin:6px 0}
.slrt-dash .slrt-stat{border-left:6px solid #4c72b0;padding:2px 10px}.slrt-dash .slrt-stat-bo{border-color:#dd8452}
.slrt-dash .slrt-plot img{max-width:100%}
.slrt-dash.slrt-projector{font-size:24px;--jp-widgets-font-size:22px;--jp-ui-font-size1:22px;
 --jp-content-font-size1:22px}
.slrt-dash.slrt-projector :where(p,li,b,strong,em,span,small,summary,label,a,td,th,h4,h5,button,input,select,textarea,
 .widget-label,.lm-TabBar-tab,.lm-TabBar-tabLabel,.jupyter-button){font-size:max(20px,1em) !important}
.slrt-dash.slrt-projector :where(h2){font-size:max(30px,1em) !important}
.slrt-dash.slrt-projector .lm-TabBar-tab{min-width:0}
.slrt-dash.slrt-projector .widget-label{width:auto !important;min-width:0;max-width:none !important}
.slrt-dash.slrt-projector table.slrt-t{font-size:24px}
.slrt-dash.slrt-projector table.slrt-t td,.slrt-dash.slrt-projector table.slrt-t th{padding:4px 12px}
.slrt-dash.slrt-projector .slrt-stat{font-size:28px}
.slrt-dash.slrt-projector h3{font-size:28px}
.slrt-dash.slrt-projector .slrt-plot img{width:100%;max-width:1400px}
.slrt-dash.slrt-projector .slrt-class-panel{display:none}
</style>"""


class Dashboard(LazyStore):
    def __init__(self, store=None, refresh_seconds: float = REFRESH_SECONDS):
        self._store = store
        self.refresh_seconds = refresh_seconds
        self.klass: dict | None = None
        self._fp = None
        self._task = None
        self._last_draw = 0.0
        self.pin = W.Password(description=t("dash.pin.label"), style={"description_width": "initial"})
        self.pin.add_class("slrt-pin")
        self.pin_btn = W.Button(description=t("dash.pin.button"), button_style="primary", icon="lock")
        self.pin_btn.add_class("slrt-pin-enter")
        self.pin_msg = W.HTML(f"<p>{html.escape(t('dash.pin.prompt'))}</p>")
        self.pin_msg.add_class("slrt-pin-msg")
        self.pin_btn.on_click(guarded(self._on_pin, self.pin_msg, "PIN"))
        self.pin.observe(lambda ch: None, names="value")
        self.gate = W.VBox([self.pin_msg, W.HBox([self.pin, self.pin_btn])])
        self.main = W.VBox()
        self.widget = W.VBox([W.HTML(style.CSS + CSS + f"<h2>{html.escape(t('dash.title'))}</h2>"), self.gate, self.main])
        self.widget.add_class("slrt-dash")
        self.widget.add_class(style.ROOT_CLASS)


    # ------------------------------------------------------------------ PIN
    def _on_pin(self, _b=None) -> None:
        verdict, wait = _hall.check_pin(self.pin.value, self.store)
        self.pin.value = ""
        if verdict != "ok":
            text = (t("dash.pin.wait", seconds=int(wait) + 1) if verdict == "wait"
                    else t("dash.pin.unset" if verdict == "unset" else "dash.pin.wrong"))
            self.pin_msg.value = f'<p class="slrt-bad">{html.escape(text)}</p>'
            return
        self.gate.layout.display = "none"
        self._build()

    # ------------------------------------------------------------------ the dashboard
    def _build(self) -> None:
        self.choose = W.Dropdown(description=t("dash.class.choose"), style={"description_width": "initial"},
                                 layout=W.Layout(width="340px"))
        self.choose.add_class("slrt-class-choose")
        self.code = W.Text(description=t("dash.class.code"), layout=W.Layout(width="220px"))
        self.code.add_class("slrt-class-code")
        self.seed = W.IntText(value=2018, description=t("dash.class.seed"), layout=W.Layout(width="200px"))
        self.level = W.Dropdown(options=[(t(f"bo.level.{lv}"), lv) for lv in LEVELS], value="sedang",
                                description=t("dash.class.level"), layout=W.Layout(width="220px"))
        self.trainer = W.Text(description=t("dash.class.trainer"), layout=W.Layout(width="260px"))
        self.create = W.Button(description=t("dash.class.create"), icon="plus", layout=W.Layout(width="auto"))
        self.create.add_class("slrt-class-create")
        self.class_msg = W.HTML()
        self.create.on_click(guarded(self._on_create, lambda: self.updated, "class"))
        self.live = W.Checkbox(value=True, description=t("dash.live"), indent=False)
        self.projector = W.Checkbox(value=False, description=t("dash.projector"), indent=False)
        self.projector.add_class("slrt-projector-toggle")
        self.projector.observe(lambda ch: (self.widget.add_class if ch["new"] else self.widget.remove_class)(
            "slrt-projector"), names="value")
        self.refresh_btn = W.Button(description=t("dash.refresh"), icon="refresh")
        self.refresh_btn.add_class("slrt-refresh")
        self.refresh_btn.on_click(guarded(lambda _b: self.refresh(force=True), lambda: self.updated, "refresh"))
        self.updated = W.HTML()
        self.updated.add_class("slrt-updated")
        self.live_html = W.HTML()
        self.live_html.add_class("slrt-live")
        self.plot = W.HTML()
        self.plot.add_class("slrt-plot")
        self.mistakes = W.HTML()
        self.mistakes.add_class("slrt-mistakes")
        self.disc_app = W.ToggleButtons(options=[(t(f"dash.app.{a}"), a) for a in ("bo", "fo", "hv")], value="bo",
                                        description=t("dash.discussion.app"))
        self.disc_case = W.Dropdown(description=t("dash.discussion.case"), layout=W.Layout(width="420px"))
        self.disc_case.add_class("slrt-disc-case")
        self.disc_html = W.HTML()
        self.disc_html.add_class("slrt-discussion")
        self.disc_app.observe(lambda _c: self._fill_cases(), names="value")
        self.disc_case.observe(lambda _c: self._show_case(), names="value")
        self.export = W.HTML()
        self.export.add_class("slrt-export")
        self.kelurahan = W.HTML()  # projector view of the class's kelurahan
        self.kelurahan.add_class("slrt-kelurahan")
        # ... and its year, opened in the walkthrough's year view for the debrief
        self.year_pick = W.Dropdown(description=t("oc.year.run"), layout=W.Layout(width="420px", max_width="100%"))
        self.year_pick.add_class("slrt-year-pick")
        self.year_open = W.Button(description=t("oc.year.open"), button_style="primary")
        self.year_open.add_class("slrt-year-open")
        self.year_open.on_click(guarded(lambda _b: self.open_year(), lambda: self.year_msg, "year"))
        self.year_msg = W.HTML()
        self.year_box = W.VBox()
        self.exclude = ExcludeBox(self)
        tabs = W.Tab(children=[
            W.VBox([W.HBox([self.live, self.projector, self.refresh_btn, self.updated]), self.live_html, self.plot,
                    self.exclude.widget]),
            self.mistakes,
            W.VBox([self.disc_app, self.disc_case, self.disc_html]),
            self.export,
            W.VBox([self.kelurahan, W.HTML(f"<h3>{html.escape(t('oc.year.title'))}</h3>"
                                           f"<p>{html.escape(t('oc.year.help'))}</p>"),
                    W.HBox([self.year_pick, self.year_open]), self.year_msg, self.year_box]),
        ])
        tabs.titles = (t("dash.tab.live"), t("dash.tab.mistakes"), t("dash.tab.discussion"), t("dash.tab.export"),
                       t("oc.class.tab"))
        tabs.observe(lambda _c: self.show_kelurahan(), names="selected_index")
        self.tabs = tabs
        # a new class is made in its own folded panel, with empty fields: it never shows the
        # values of the class chosen above (those are in the chooser's label)
        create_box = W.Accordion(children=[W.VBox([W.HBox([self.code, self.seed, self.level, self.trainer]),
                                                   self.create])], selected_index=None)
        create_box.set_title(0, t("dash.class.new"))
        create_box.add_class("slrt-class-new")
        self.switch = W.ToggleButtons(options=[(t(f"dash.app.{a}"), a) for a in ("fo", "bo", "hv")], value=None,
                                      description=t("hall.switch.label"), style={"description_width": "initial"})
        self.switch.add_class("slrt-class-switch")
        self.switch_msg = W.HTML()
        self.switch.observe(guarded(lambda ch: self.switch_app(ch["new"]), self.switch_msg, t("hall.switch.label")),
                            names="value")
        panel = W.VBox([W.HTML(f"<h3>{html.escape(t('dash.class.title'))}</h3>"), self.choose, create_box,
                        self.class_msg, W.HBox([self.switch, self.switch_msg])])
        panel.add_class("slrt-class-panel")
        self.main.children = [panel, tabs]
        self._fill_classes()
        self.choose.observe(lambda _c: self._on_choose(), names="value")
        self._on_choose()
        self.start_live()

    def switch_app(self, app: str | None) -> None:
        """After lunch: the class server prepares the other role play's kernels now
        (:meth:`slrt_sim.server.kernels.CappedManagerMixin.switch_class`), not when 70 trainees open it."""
        if not app:
            return
        answer = _hall.ask("switch", app=app)
        name = t(f"dash.app.{app}")
        key = "hall.switch.none" if not answer else ("hall.switch.done" if answer.get("changed") else "hall.switch.same")
        self.switch_msg.value = f"<small>{html.escape(t(key, app=name))}</small>"

    def _fill_classes(self, select: str | None = None) -> None:
        classes = self.store.list_classes()
        self._classes = {c["code"]: c for c in classes}
        opts = [(" · ".join([c["code"], t("bo.level." + c["level"]), t("dash.class.seed_is", seed=c["seed"])]),
                 c["code"])
                for c in classes]
        self.choose.options = opts
        if not opts:
            self.class_msg.value = html.escape(t("dash.class.none"))
            self.choose.value = None
        elif select in self._classes:
            self.choose.value = select
        elif self.choose.value is None:
            self.choose.value = opts[0][1]

    def _on_create(self, _b=None) -> None:
        code = "".join(self.code.value.split()).upper()
        if not CODE_RE.match(code):
            self.class_msg.value = f'<span class="slrt-bad">{html.escape(t("dash.class.bad_code"))}</span>'
            return
        self.store.create_class(code, int(self.seed.value), self.level.value, self.trainer.value.strip())
        self.class_msg.value = html.escape(t("dash.class.created", code=code, seed=int(self.seed.value),
                                             level=t(f"bo.level.{self.level.value}")))
        self.code.value = self.trainer.value = ""
        self.seed.value, self.level.value = 2018, "sedang"
        self._fill_classes(select=code)
        self._on_choose()

    def _on_choose(self) -> None:
        code = self.choose.value
        self.year_box.children, self.year_view = [], None  # another class: its year is opened anew
        self.klass = self._classes.get(code) if code else None
        self._fp = None
        self.refresh(force=True)
        self._fill_cases()

    # ------------------------------------------------------------------ live view
    def refresh(self, force: bool = False) -> bool:
        """Redraw if a submission arrived since the last drawing (or ``force``); True if redrawn."""
        if self.klass is None:
            self.live_html.value = self.plot.value = self.mistakes.value = self.export.value = ""
            return False
        code = self.klass["code"]
        fp = dash.fingerprint(self.store, code)
        if not force and fp == self._fp:
            return False
        self._fp = fp
        self._last_draw = time.monotonic()
        n = fp[0]
        self.updated.value = f"<small>{html.escape(t('dash.updated', time=time.strftime('%H:%M:%S'), n=n))}</small>"
        parts = dash.sections(self.store, code)  # each section on its own: one failure never blanks the others
        # the projector-ready view (statistics per app, progress per trainee) replaces the plain list
        self.live_html.value = (dash.section("live", lambda: self._live_html(dash.results(self.store, code)))
                                + parts["debrief"] + dash.section("names", lambda: names_html(self.store, code)))
        self.plot.value = parts["plot"]
        self.mistakes.value, self.export.value = parts["mistakes"], parts["export"]
        self._kelurahan_fp = None
        if getattr(self, "exclude", None) is not None:
            self.exclude.fill(code)
        if getattr(self, "tabs", None) is not None and self.tabs.selected_index == 4:
            self.show_kelurahan()
        return True

    @staticmethod
    def _live_html(df) -> str:
        """Front- and back-office statistics apart, progress per trainee, then every submission (folded)."""
        if df.empty:
            return f"<p>{html.escape(t('dash.none'))}</p>"
        stats = []
        for app in ("fo", "bo", "hv"):
            a = dash.app_summary(df, app)
            stats.append(f"<div class='slrt-stat slrt-stat-{app}'><b>{html.escape(t(f'dash.app.{app}'))}</b>: "
                         + html.escape(t("dash.summary", n=a["n"], trainees=a["trainees"], mean=fmt_num(a["mean"], 0),
                                         median=fmt_num(a["median"], 0))) + "</div>")
        prog = dash.progress(df)
        rows = [[r.trainee, str(r.fo_cases), fmt_num(r.fo_pct, 0), fmt_num(r.bo_pct, 0), str(r.bo_practice),
                 str(r.hv_cases), fmt_num(r.hv_pct, 0)] for r in prog.itertuples(index=False)]
        per_trainee = dash.table_html([t("dash.col.trainee"), t("dash.col.fo_cases"), t("dash.col.fo_pct"),
                                      t("dash.col.bo_pct"), t("dash.col.bo_practice"), t("dash.col.hv_cases"),
                                      t("dash.col.hv_pct")], rows, escape=True)
        every = [[r.trainee, t(f"dash.app.{r.app}"), r.case_id + (f" ({t('dash.practice')})"
                                                                  if dash.is_practice(r.case_id) else ""),
                  fmt_num(r.score, 1), fmt_num(r.max_score, 1), fmt_num(r.pct, 0), fmt_num(r.minutes, 1), r.submitted]
                 for r in df.iloc[::-1].itertuples(index=False)]
        all_rows = dash.table_html([t("dash.col.trainee"), t("dash.col.app"), t("dash.col.case"), t("dash.col.score"),
                                   t("dash.col.max"), t("dash.col.pct"), t("dash.col.minutes"), t("dash.col.time")],
                                   every, escape=True)
        return (f"<div class='slrt-stats'>{''.join(stats)}</div>"
                f"<h3>{html.escape(t('dash.progress.title'))}</h3><div class='slrt-progress'>{per_trainee}</div>"
                f"<details class='slrt-all'><summary>{html.escape(t('dash.all.title', n=len(df)))}</summary>"
                f"{all_rows}</details>")

    def show_kelurahan(self) -> None:
        """Issue 9: the class's FO files played in its kelurahan, against the key (only when its tab is open)."""
        if self.klass is None or self.tabs.selected_index != 4 or getattr(self, "_kelurahan_fp", None) == self._fp:
            return
        k = self.klass
        subs = class_outcomes.submissions_from_store(self.store, k["code"])
        view = class_outcomes.class_view(k["code"], k["seed"], k["level"], subs)
        self.kelurahan.value = outcome_view.class_html(view) + dash.section(
            "hv", lambda: dashboard_hv.class_html(k, hv_class.submissions_from_store(self.store, k["code"])))
        self._kelurahan_fp = self._fp
        self._year_subs = subs
        options = [(t("oc.year.key"), "")] + [(t("oc.year.trainee", name=name), name) for name in sorted(subs)]
        if list(self.year_pick.options) != options:
            self.year_pick.options = options

    def open_year(self) -> None:
        """The class's kelurahan over the outcome horizon: the key's run or a trainee's, every household
        a dot, the class's households ringed (the walkthrough's year view)."""
        from slrt_sim.apps.year_view import YearView
        from slrt_sim.training import outcomes as O

        k = self.klass
        if k is None:
            return
        name = self.year_pick.value or ""
        answers = getattr(self, "_year_subs", {}).get(name) if name else None
        result, outcome = O.class_year(k["code"], k["seed"], k["level"], answers)
        horizon = O.outcome_scenario().horizon_days
        if getattr(self, "year_view", None) is None:
            self.year_view = YearView(int(horizon))
            self.year_box.children = [self.year_view.widget]
        self.year_view.show(result.cases, horizon, outcome.households.values(), log=result.meta.get("event_log"))
        self.year_msg.value = ""

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            if self.live.value:
                try:
                    self.refresh()
                except Exception:  # noqa: BLE001 - a busy database must not end the live view
                    pass

    def start_live(self) -> None:
        """Poll in the kernel's event loop (no thread); at most one redraw per interval."""
        if self._task is not None:
            return
        try:
            loop = asyncio.get_running_loop()  # the kernel's loop (ipykernel runs callbacks in it)
        except RuntimeError:  # a plain script or a test: no loop running, so no live view
            return
        self._task = loop.create_task(self._loop())

    # ------------------------------------------------------------------ discussion
    def _fill_cases(self) -> None:
        self.disc_html.value = ""
        self._cases = {}
        if self.klass is None:
            self.disc_case.options = []
            return
        if self.disc_app.value == "bo":
            self._queue = dash.bo_cases(self.klass)
            self._cases = {c.case_id: c for c in self._queue.cases}
            opts = [(f"{c.case_id} · {c.head_name}", c.case_id) for c in self._queue.cases]
        elif self.disc_app.value == "hv":
            k = self.klass
            cases = hv_cases(k["code"], k["seed"], k["level"])
            self._cases = {c.case_id: c for c in cases}
            opts = [(f"{c.case_id} · {c.members[0]['name']}", c.case_id) for c in cases]
        else:
            try:
                cases = dash.fo_cases(self.klass)
            except Exception:  # noqa: BLE001 - the front-office module may be missing or older
                cases = None
            if not cases:
                self.disc_case.options = []
                self.disc_html.value = f"<p>{html.escape(t('dash.discussion.fo_unavailable'))}</p>"
                return
            self._cases = {str(c.case_id): c for c in cases}
            opts = [(str(c.case_id), str(c.case_id)) for c in cases]
        self.disc_case.options = opts
        self.disc_case.value = opts[0][1] if opts else None
        self._show_case()

    def _show_case(self) -> None:
        cid = self.disc_case.value
        if cid is None or cid not in self._cases:
            return
        if self.disc_app.value == "bo":
            self.disc_html.value = dash.section("discussion", lambda: dash.bo_discussion_html(self._queue, cid))
        elif self.disc_app.value == "hv":
            self.disc_html.value = dash.section("discussion", lambda: dashboard_hv.discussion_html(self._cases[cid]))
        else:
            self.disc_html.value = dash.section("discussion", lambda: dash.fo_discussion_html(self._cases[cid]))


class ExcludeBox:
    """The trainer takes a submission out of the dashboard and out of the back office's queue (a
    joke, a test, a trainee on the wrong name), or puts it back
    (:meth:`slrt_sim.training.store.SessionStore.exclude`)."""

    def __init__(self, board: "Dashboard"):
        self.board = board
        self.pick = W.Dropdown(description=t("hall.exclude.pick"), layout=W.Layout(width="460px", max_width="100%"))
        self.pick.add_class("slrt-exclude-pick")
        self.out = W.Button(description=t("hall.exclude.button"), icon="ban")
        self.out.add_class("slrt-exclude")
        self.back = W.Button(description=t("hall.exclude.restore"), icon="undo")
        self.msg = W.HTML()
        self.out.on_click(guarded(lambda _b: self.set(True), self.msg, t("hall.exclude.button")))
        self.back.on_click(guarded(lambda _b: self.set(False), self.msg, t("hall.exclude.restore")))
        box = W.VBox([W.HBox([self.pick, self.out, self.back]), self.msg])
        self.widget = W.Accordion(children=[box], selected_index=None)
        self.widget.set_title(0, t("hall.exclude.title"))

    def fill(self, class_code: str) -> None:
        store = self.board.store
        sub, gone = store.submissions(class_code, include_excluded=True), store.excluded_ids()
        options = [(f"{r.id} · {r.trainee} · {t(f'dash.app.{r.app}')} {r.case_id}"
                    + (f" ({t('hall.exclude.excluded')})" if int(r.id) in gone else ""), int(r.id))
                   for r in sub.iloc[::-1].itertuples(index=False)]
        value = self.pick.value
        self.pick.options = options
        if value in dict((v, k) for k, v in options):
            self.pick.value = value

    def set(self, excluded: bool) -> None:
        if self.pick.value is None:
            return
        sid = int(self.pick.value)
        self.board.store.exclude(sid, excluded)
        self.board.refresh(force=True)
        self.msg.value = html.escape(t("hall.exclude.done" if excluded else "hall.exclude.restored", id=sid))


def names_html(store, class_code: str) -> str:
    """The class's names with their codes (a trainee on a second device asks the trainer for it),
    and a warning for each device that used two or more names."""
    rows = store.name_codes(class_code)
    if not rows:
        return ""
    shared = "".join(f"<p class='slrt-bad slrt-shared-device'>"
                     f"{html.escape(t('hall.names.shared', names=', '.join(names)))}</p>"
                     for names in store.shared_devices(class_code))
    table = dash.table_html([t("hall.names.name"), t("hall.names.code"), t("hall.names.devices")],
                            [[r["trainee"], r["code"], str(r["devices"])] for r in rows], escape=True)
    return (f"<details class='slrt-names'><summary>{html.escape(t('hall.names.title'))} ({len(rows)})</summary>"
            f"{table}</details>{shared}")


def show(store=None, warm: bool = True) -> W.Widget:
    """The dashboard's widget; ``warm`` imports pandas and matplotlib while Voila pre-heats the kernel."""
    if warm:
        import matplotlib.figure  # noqa: F401
        import pandas  # noqa: F401
    return Dashboard(store).widget
