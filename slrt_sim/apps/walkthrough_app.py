"""The walkthrough app for trainers (``notebooks/walkthrough.ipynb``).

Three tabs on one kelurahan over a simulated year:

1. *Langkah demi langkah*: the SLRT flow one step at a time (previous/next), each step's
   text filled with the run's numbers, beside the case funnel with the step highlighted;
2. *Sepanjang tahun*: the households as dots moving through the stage columns
   (:class:`slrt_sim.apps.flow_anim.FlowAnimation`, drawn in the browser) and cases by state
   and the backlog day by day, played like a film (``ipywidgets.Play``: the trainer can
   pause, or drag the day; dots, sentence and chart follow the same day);
3. *Bagaimana jika?*: the what-if settings of :data:`slrt_sim.experiments.walkthrough.WHATIFS`; each
   press of *Jalankan* adds a run (common random numbers) to the kept history, shown side
   by side in a table and a chart.

Figures are PNG images (``ipywidgets.Image``) drawn with matplotlib's Agg canvas: nothing
is fetched from the network. All text comes from the catalogue (``walk.*``).
"""
from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as W

from slrt_sim.apps._errors import guarded

from slrt_sim.apps.year_view import YearView
from slrt_sim.experiments import plots
from slrt_sim.experiments import walkthrough as WT
from slrt_sim.i18n import fmt_num, t
from slrt_sim.experiments.results import PERCENT_KPIS, kpi_label
from slrt_sim.experiments.warmup import REPLICATIONS
from slrt_sim.domain.scenario import Scenario
from slrt_sim.apps import style
from slrt_sim.apps.tables import TABLE_CSS, table_html as _table_html

class WalkthroughApp:
    """The widget tree and its callbacks; ``app.widget`` is what the notebook displays."""

    def __init__(self, scenario: Scenario | None = None, replications: int = REPLICATIONS):
        self.base = scenario or WT.load_training()
        self.history = WT.History()
        self.step = 0
        self.replications = replications
        first = WT.run_variant(self.base, WT.default_choices(self.base), replications, number=1)
        self.history.add(first)
        self._build()
        self._refresh_runs()
        self._show_step()
        self._show_day()
        self._show_comparison()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        s = self.base
        village = s.region.villages()[0][1]
        intro = t("walk.intro", village=village.name, households=fmt_num(s.region.n_households, 0),
                  fasilitators=fmt_num(sum(s.fasilitators_in(v) for _, v in s.region.villages()), 0),
                  puskesos=t("walk.puskesos.yes" if village.puskesos else "walk.puskesos.no"),
                  days=fmt_num(s.horizon_days, 0))
        self.title = W.HTML(f"<h2>{html.escape(t('walk.title'))}</h2><p>{html.escape(intro)}</p>")

        # tab 1: steps
        self.run_pick_steps = W.Dropdown(description=t("walk.compare.run"), layout=style.capped(520))
        self.basis_steps = W.HTML()
        self.basis_steps.add_class("slrt-walk-basis")
        self.step_html = W.HTML(layout=W.Layout(min_height="150px"))
        self.funnel_note = W.HTML()
        self.funnel_img = W.Image(format="png", layout=W.Layout(max_width="760px"))
        self.prev_btn = W.Button(description=t("walk.prev"))
        self.next_btn = W.Button(description=t("walk.next"), button_style="primary")
        self.step_label = W.HTML()
        self.prev_btn.on_click(guarded(lambda _b: self._move(-1), lambda: self.step_label, "step"))
        self.next_btn.on_click(guarded(lambda _b: self._move(+1), lambda: self.step_label, "step"))
        self.run_pick_steps.observe(lambda _c: self._show_step(), names="value")
        steps_box = W.VBox([self.run_pick_steps, self.basis_steps,
                            W.HBox([self.prev_btn, self.next_btn, self.step_label]),
                            self.step_html, self.funnel_img, self.funnel_note])

        # tab 2: the year
        horizon = int(self.base.horizon_days)
        self.run_pick_year = W.Dropdown(description=t("walk.compare.run"), layout=style.capped(520))
        self.basis_year = W.HTML()
        self.year_img = W.Image(format="png", layout=W.Layout(max_width="760px"))
        self.year = YearView(horizon)
        self.play, self.play_btn, self.day = self.year.play, self.year.play_btn, self.year.day
        self.day_html, self.flow = self.year.day_html, self.year.flow
        self._flow_run = None
        self._day_pending = False
        self.year.on_day.append(lambda _d: self._on_day())
        self.run_pick_year.observe(lambda _c: self._show_day(), names="value")
        year_box = W.VBox([W.HTML(f"<p>{html.escape(t('walk.year.help'))}</p>"), self.run_pick_year, self.basis_year,
                           self.year.widget, self.year_img])

        # tab 3: what if
        self.toggles: dict[str, W.ToggleButtons] = {}
        rows = []
        defaults = WT.default_choices(self.base)
        for dim, options in WT.WHATIFS.items():
            tb = W.ToggleButtons(options=[(t(f"walk.opt.{key}"), key) for key, _ in options], value=defaults[dim],
                                 description=t(f"walk.whatif.{dim}"), style={"description_width": "130px",
                                                                          "button_width": "220px"})
            self.toggles[dim] = tb
            rows.append(tb)
        self.reps_slider = W.IntSlider(value=self.replications, min=1, max=20, description=t("walk.whatif.replications"),
                                       style={"description_width": "130px"}, layout=style.capped(420))
        self.run_btn = W.Button(description=t("walk.run"), button_style="success")
        self.clear_btn = W.Button(description=t("walk.clear"))
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=style.capped(300))
        self.status = W.HTML()
        self.diff_html = W.HTML()
        self.compare_html = W.HTML()
        self.compare_img = W.Image(format="png", layout=W.Layout(max_width="900px"))
        self.compare_img.add_class("slrt-walk-compare-img")
        self.run_btn.on_click(guarded(lambda _b: self.run_whatif(), lambda: self.status, "run"))
        self.clear_btn.on_click(guarded(lambda _b: self.clear(), lambda: self.status, "clear"))
        whatif_box = W.VBox([W.HTML(f"<p>{t('walk.whatif.help')}</p>"), *rows, self.reps_slider,
                             W.HBox([self.run_btn, self.clear_btn, self.progress]), self.status, self.diff_html,
                             W.HTML(f"<h3>{html.escape(t('walk.compare.title'))}</h3>"), self.compare_html,
                             self.compare_img])

        self.tabs = W.Tab(children=[steps_box, year_box, whatif_box])
        for i, key in enumerate(("walk.tab.steps", "walk.tab.year", "walk.tab.whatif")):
            self.tabs.set_title(i, t(key))
        self.widget = W.VBox([W.HTML(style.CSS + TABLE_CSS), self.title, self.tabs])
        self.widget.add_class("slrt-app")
        self.widget.add_class(style.ROOT_CLASS)  # usable on a phone too

    # ------------------------------------------------------------------ runs
    def _run_options(self):
        return [(f"{r.number}: {r.label}", r.number) for r in self.history.runs]

    def _refresh_runs(self) -> None:
        options = self._run_options()
        latest = options[-1][1]
        for dd in (self.run_pick_steps, self.run_pick_year):
            dd.options = options
            dd.value = latest

    def _run(self, number) -> WT.WalkRun:
        for r in self.history.runs:
            if r.number == number:
                return r
        return self.history.runs[-1]

    # ------------------------------------------------------------------ tab 1
    def _move(self, delta: int) -> None:
        self.step = min(len(WT.STEPS) - 1, max(0, self.step + delta))
        self._show_step()

    def _show_step(self) -> None:
        run = self._run(self.run_pick_steps.value)
        key = WT.STEPS[self.step]
        title, body = WT.step_text(key, run)
        self.step_html.value = f'{TABLE_CSS}<div class="slrt-step"><h3>{html.escape(title)}</h3><p>{body}</p></div>'
        self.step_label.value = f"&nbsp;{self.step + 1} / {len(WT.STEPS)}"
        self.prev_btn.disabled = self.step == 0
        self.next_btn.disabled = self.step == len(WT.STEPS) - 1
        steps = [(label, n) for label, (_, n) in zip(WT.funnel_labels(), WT.funnel(run.cases, run.scenario))]
        fig = plots.funnel_figure(steps, highlight=WT.STEP_FUNNEL[key], title=t("walk.funnel.title"))
        self.funnel_img.value = plots.png(fig)
        self.basis_steps.value = f"<p>{t('walk.basis', **WT.basis(run))}</p>"
        self.funnel_note.value = f"<p>{t('walk.funnel.note', **WT.step_numbers(run)['followup'])}</p>"

    # ------------------------------------------------------------------ tab 2
    def _on_day(self) -> None:
        """The text follows the slider at once; the chart (slower) is drawn for the newest day only,
        so that during playback it never falls behind the text."""
        if self._day_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel loop (a test, a script): draw now
            self._draw_day()
            return
        self._day_pending = True
        loop.call_later(0.05, self._draw_day)

    def _draw_day(self) -> None:
        self._day_pending = False
        run = self._run(self.run_pick_year.value)
        self.year_img.value = plots.png(plots.timeline_figure(run.timeline, upto=self.day.value,
                                                              title=t("walk.year.title")))

    def _show_day(self) -> None:
        run = self._run(self.run_pick_year.value)
        if self._flow_run is not run:  # a new run picked: its households become the dots
            self._flow_run = run
            self.year.show(run.cases, run.scenario.horizon_days, log=run.event_log)
            self.basis_year.value = f"<p>{t('walk.basis', **WT.basis(run))}</p>"
        self._draw_day()

    # ------------------------------------------------------------------ tab 3
    def choices(self) -> dict[str, str]:
        return {dim: tb.value for dim, tb in self.toggles.items()}

    def run_whatif(self) -> WT.WalkRun | None:
        number = self.history.next_number()
        self.run_btn.disabled = True
        self.status.value = html.escape(t("walk.running", n=number))
        reps = self.reps_slider.value
        self.progress.max, self.progress.value = reps, 0
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done == total or now - last[0] >= 0.25:  # at most four redraws a second
                last[0] = now
                self.progress.value = done

        try:
            run = WT.run_variant(self.base, self.choices(), reps, number=number, progress=progress)
        except Exception as exc:  # shown to the trainer, not a traceback
            self.status.value = f"<b>{html.escape(t('walk.error'))}</b> {html.escape(str(exc).splitlines()[0])}"
            return None
        finally:
            self.run_btn.disabled = False
        self.history.add(run)
        self._refresh_runs()
        self._show_comparison()
        self.status.value = html.escape(t("walk.ran", n=number, label=run.label))  # last: the page is ready
        return run

    def clear(self) -> None:
        self.history.clear(keep_first=True)
        self.status.value = ""
        self._refresh_runs()
        self._show_comparison()

    def _show_comparison(self) -> None:
        h = self.history
        self.compare_html.value = _table_html(h.comparison())
        means, lows, highs = h.arrays()
        fig = plots.compare_figure([r.label for r in h.runs], WT.COMPARE_KPIS, means, lows, highs,
                                   [k in PERCENT_KPIS for k in WT.COMPARE_KPIS],
                                   [kpi_label(k) for k in WT.COMPARE_KPIS])
        self.compare_img.value = plots.png(fig)
        self.diff_html.value = html.escape(WT.describe_difference(h.runs[0], h.runs[-1])) if len(h.runs) > 1 else ""
