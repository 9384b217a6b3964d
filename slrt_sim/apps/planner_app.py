"""The staffing planner app (``notebooks/planner.ipynb``).

The planner chooses a shipped scenario and an area (district, kecamatan, village) or
enters a kelurahan by hand, the staffing levels to try and the targets, and presses
*Jalankan*: every combination is simulated with replications in parallel processes
(:func:`slrt_sim.experiments.planner.plan`), with a progress bar redrawn at most four times a
second. The app then shows the recommendation (smallest staffing meeting every target),
a table with confidence intervals, one chart per target, the Erlang C quick estimate
beside the simulation with a sentence on why they differ, and an Excel download (a
``data:`` link: no server round trip, works offline).
"""
from __future__ import annotations

import base64
import html
import time

import ipywidgets as W

from slrt_sim.apps._errors import guarded

from slrt_sim.experiments import planner as P
from slrt_sim.experiments import plots
from slrt_sim.i18n import fmt_num, t
from slrt_sim.experiments.results import PERCENT_KPIS, kpi_label
from slrt_sim.experiments.warmup import REPLICATIONS
from slrt_sim.domain.scenario import load_scenario
from slrt_sim.apps import style
from slrt_sim.apps.tables import table_html as _table_html

MAX_CONFIGS = 120
PROGRESS_INTERVAL = 0.25  # seconds: at most four redraws a second

# (kpi, op, default value, enabled by default); shares in percent in the widgets
TARGET_ROWS = (
    ("identified", ">=", 0.70, True),
    ("handled_30d", ">=", 0.6, False),
    ("target_met_90d", ">=", 0.5, False),
    ("needs_met", ">=", 0.5, False),
    ("needs_met_30d", ">=", 0.9, False),
    ("util_fo", "<=", 0.85, True),
    ("util_bo", "<=", 0.85, True),
    ("wait_fo_hours", "<=", 4.0, False),
    ("wait_bo_hours", "<=", 24.0, False),
)
DEFAULT_SCENARIO = "kota_pekalongan"


class PlannerApp:
    def __init__(self, workers: int | None = None, scenario: str = DEFAULT_SCENARIO):
        from slrt_sim.experiments.runner import default_workers

        self.workers = workers if workers is not None else default_workers()
        self.shipped = P.shipped_scenarios()
        self._cache: dict[str, object] = {}
        self.result: P.PlanResult | None = None
        self._build(scenario)

    # ------------------------------------------------------------------ layout
    def _build(self, scenario: str) -> None:
        wide = {"description_width": "190px"}
        self.title = W.HTML(f"<h2>{html.escape(t('plan.title'))}</h2><p>{html.escape(t('plan.intro'))}</p>")
        self.source = W.ToggleButtons(options=[(t("plan.source.scenario"), "scenario"), (t("plan.source.manual"), "manual")],
                                      value="scenario", description=t("plan.source"), style=wide)
        names = [(label, str(path)) for label, path in self.shipped]
        default = next((p for _, p in names if p.endswith(f"{scenario}.yaml")), names[0][1])
        self.scenario = W.Dropdown(options=names, value=default, description=t("plan.scenario"), style=wide,
                                   layout=style.capped(560))
        self.area = W.Dropdown(description=t("plan.area"), style=wide, layout=style.capped(560))
        self.households = W.BoundedIntText(value=1500, min=50, max=200_000, description=t("plan.manual.households"),
                                           style=wide)
        self.poverty = W.BoundedFloatText(value=6.0, min=0.0, max=100.0, step=0.5, description=t("plan.manual.poverty"),
                                          style=wide)
        self.manual_puskesos = W.Checkbox(value=True, description=t("plan.manual.puskesos"), style=wide)
        self.scenario_box = W.VBox([self.scenario, self.area])
        self.manual_box = W.VBox([self.households, self.poverty, self.manual_puskesos],
                                 layout=W.Layout(display="none"))
        self.source.observe(self._on_source, names="value")
        self.scenario.observe(lambda _c: self._fill_areas(), names="value")

        self.fas = W.IntRangeSlider(value=(1, 3), min=0, max=4, description=t("plan.staff.fasilitators"), style=wide, layout=style.capped(520))
        self.fo = W.IntRangeSlider(value=(1, 2), min=1, max=8, description=t("plan.staff.fo"), style=wide, layout=style.capped(520))
        self.bo = W.IntRangeSlider(value=(1, 3), min=1, max=10, description=t("plan.staff.bo"), style=wide, layout=style.capped(520))
        self.pk = {opt: W.Checkbox(value=(opt == "scenario"), description=t(f"plan.puskesos.{opt}"), indent=False,
                                   layout=W.Layout(width="180px")) for opt in P.PUSKESOS_OPTIONS}
        pk_row = W.HBox([W.Label(t("plan.staff.puskesos"), layout=W.Layout(width="194px")), *self.pk.values()])

        self.targets = []
        rows = []
        for kpi, op, value, on in TARGET_ROWS:
            pct = kpi in PERCENT_KPIS
            cb = W.Checkbox(value=on, description=f"{kpi_label(kpi)} {t('plan.op.ge' if op == '>=' else 'plan.op.le')}",
                            indent=False, layout=style.capped(420))
            box = W.BoundedFloatText(value=value * 100 if pct else value, min=0, max=100 if pct else 10_000, step=1,
                                     layout=W.Layout(width="90px"))
            unit = W.Label("%" if pct else t("plan.unit.hours"))
            self.targets.append((kpi, op, pct, cb, box))
            rows.append(W.HBox([cb, box, unit]))

        self.reps = W.IntSlider(value=REPLICATIONS, min=2, max=30, description=t("plan.replications"), style=wide, layout=style.capped(520))
        self.rule = W.Dropdown(options=[(t("plan.rule.ci"), "ci"), (t("plan.rule.mean"), "mean")], value="ci",
                               description=t("plan.rule"), style=wide, layout=style.capped(700))
        self.count = W.HTML()
        for w in (self.fas, self.fo, self.bo, self.reps, *self.pk.values()):
            w.observe(lambda _c: self._update_count(), names="value")
        self.run_btn = W.Button(description=t("plan.run"), button_style="success")
        self.run_btn.on_click(guarded(lambda _b: self.run(), lambda: self.status, "run"))
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=style.capped(360))
        self.progress_label = W.HTML()
        self.status = W.HTML()

        self.recommendation = W.HTML()
        self.table = W.HTML()
        self.charts = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.erlang = W.HTML()
        self.download = W.HTML()
        self.results = W.VBox([self.recommendation, self.download, self.table, self.charts, self.erlang])

        self.widget = W.VBox([
            W.HTML(style.CSS), self.title, self.source, self.scenario_box, self.manual_box,
            W.HTML(f"<h3>{html.escape(t('plan.staff.heading'))}</h3>"), self.fas, self.fo, self.bo, pk_row,
            W.HTML(f"<h3>{html.escape(t('plan.targets.heading'))}</h3>"), *rows, self.reps, self.rule, self.count,
            W.HBox([self.run_btn, self.progress, self.progress_label]), self.status, self.results,
        ])
        self.widget.add_class(style.ROOT_CLASS)  # usable on a phone too
        self._fill_areas()
        self._update_count()
        # a result belongs to the inputs it was run with: any change takes it off the screen
        inputs = [self.source, self.scenario, self.area, self.households, self.poverty, self.manual_puskesos,
                  self.fas, self.fo, self.bo, *self.pk.values(), self.reps, self.rule,
                  *(w for *_x, cb, box in self.targets for w in (cb, box))]
        for w in inputs:
            w.observe(lambda _c: self.clear_result(changed=True), names="value")

    # ------------------------------------------------------------------ inputs
    def _on_source(self, change) -> None:
        manual = change["new"] == "manual"
        self.scenario_box.layout.display = "none" if manual else None
        self.manual_box.layout.display = None if manual else "none"

    def _load(self, path: str):
        if path not in self._cache:
            self._cache[path] = load_scenario(path)
        return self._cache[path]

    def _fill_areas(self) -> None:
        s = self._load(self.scenario.value)
        options = P.areas(s)
        self.area.options = [(label, i) for i, (label, _) in enumerate(options)]
        self._areas = [a for _, a in options]
        self.area.value = 0

    def selected_scenario(self):
        if self.source.value == "manual":
            return P.manual_scenario(self.households.value, self.poverty.value / 100.0, self.manual_puskesos.value)
        return P.restrict(self._load(self.scenario.value), self._areas[self.area.value])

    def staff_options(self) -> P.StaffOptions:
        rng = lambda w: tuple(range(w.value[0], w.value[1] + 1))  # noqa: E731
        return P.StaffOptions(fasilitators=rng(self.fas), fo=rng(self.fo), bo=rng(self.bo),
                              puskesos=tuple(o for o, cb in self.pk.items() if cb.value))

    def chosen_targets(self) -> list[P.Target]:
        out = []
        for kpi, op, pct, cb, box in self.targets:
            if cb.value:
                out.append(P.Target(kpi, op, box.value / 100.0 if pct else box.value))
        return out

    def _update_count(self) -> None:
        n = self.staff_options().n_configs
        reps = self.reps.value
        self.count.value = html.escape(t("plan.n_configs", n=fmt_num(n, 0), reps=reps, runs=fmt_num(n * reps, 0)))

    def clear_result(self, changed: bool = False) -> None:
        """Take the last result off the screen (its inputs changed, or a new run starts)."""
        had = self.result is not None or bool(self.recommendation.value)
        self.result = None
        for w in (self.recommendation, self.table, self.erlang, self.download):
            w.value = ""
        self.charts.children = []
        self.progress_label.value = ""
        if changed and had:
            self.status.value = f"<i class='slrt-plan-changed'>{html.escape(t('plan.changed'))}</i>"

    # ------------------------------------------------------------------ run
    def run(self) -> P.PlanResult | None:
        opts = self.staff_options()
        if opts.n_configs == 0:
            self.status.value = f"<b>{html.escape(t('plan.error'))}</b> {html.escape(t('plan.err.empty'))}"
            return None
        if opts.n_configs > MAX_CONFIGS:
            self.status.value = (f"<b>{html.escape(t('plan.error'))}</b> "
                                 f"{html.escape(t('plan.err.too_many', n=opts.n_configs, max=MAX_CONFIGS))}")
            return None
        reps = self.reps.value
        total = opts.n_configs * reps
        self.run_btn.disabled = True
        self.clear_result()
        self.status.value = f"<span class='slrt-busy-sign'>{html.escape(t('plan.busy'))}</span>"
        self.progress.max, self.progress.value = total, 0
        last = [0.0]

        def progress(done: int, total_: int) -> None:
            now = time.monotonic()
            if done == total_ or now - last[0] >= PROGRESS_INTERVAL:
                last[0] = now
                self.progress.value = done
                self.progress_label.value = html.escape(t("plan.running", done=fmt_num(done, 0),
                                                          total=fmt_num(total_, 0)))

        t0 = time.perf_counter()
        try:
            s = self.selected_scenario()
            workers = self.workers if total > 4 else 1
            result = P.plan(s, opts, self.chosen_targets(), replications=reps, workers=workers,
                            rule=self.rule.value, progress=progress)
        except Exception as exc:  # shown to the planner, not a traceback
            self.status.value = f"<b>{html.escape(t('plan.error'))}</b> {html.escape(str(exc).splitlines()[0])}"
            return None
        finally:
            self.run_btn.disabled = False
            if self.status.value.startswith("<span class='slrt-busy-sign'>"):
                self.status.value = ""
        self.result = result
        self.progress_label.value = html.escape(t("plan.done", runs=fmt_num(result.runs, 0),
                                                  seconds=fmt_num(time.perf_counter() - t0, 1)))
        self.show_result(result)
        return result

    def show_result(self, p: P.PlanResult) -> None:
        self.table.value = f"<h3>{html.escape(t('plan.results.heading'))}</h3>" + _table_html(p.table())
        images = []
        targets = p.targets or (P.Target("needs_met", ">=", 0.0),)
        for i, x in enumerate(targets):
            summ = p.summary.xs(x.kpi, level="kpi")
            fig = plots.staffing_figure(p.configs["total_staff"], summ["mean"], summ["ci_low"], summ["ci_high"],
                                        x.value if p.targets else None, x.kpi in PERCENT_KPIS, kpi_label(x.kpi),
                                        chosen=p.shown, meets=p.meets.iloc[:, i].tolist() if p.targets else None)
            images.append(W.Image(value=plots.png(fig), format="png", layout=style.capped(480)))
        self.charts.children = images
        erl = P.erlang_check(p)
        sentences = "".join(f"<li>{html.escape(P.erlang_explanation(r, p.scenarios[p.shown]))}</li>"
                            for _, r in erl.iterrows())
        self.erlang.value = (f"<h3>{html.escape(t('plan.erlang.heading'))}</h3>"
                             f"<p>{html.escape(t('plan.erlang.help'))}</p>"
                             + _table_html(P.erlang_table(p).set_index(t("plan.erlang.col.stage")))
                             + f'<ul class="slrt-erlang">{sentences}</ul>')
        data = base64.b64encode(p.to_excel()).decode("ascii")
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        self.download.value = (f'<a class="slrt-download" download="{t("plan.download.name")}" '
                               f'href="data:{mime};base64,{data}">⬇ {html.escape(t("plan.download"))}</a>')
        # the recommendation last: when it shows, the table, charts and Erlang C are there too
        colour = "#59a14f" if p.recommended is not None else "#f28e2b"
        self.recommendation.value = f'<div class="slrt-recommendation" style="font-size: 16px; padding: 8px; ' \
                                    f'border-left: 4px solid {colour}">{P.recommendation_text(p)}</div>'
