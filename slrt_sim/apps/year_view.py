"""The year of one run, played like a film: Putar/Jeda, the day slider, the day's sentence and the
households as dots moving through the stages (:class:`slrt_sim.apps.flow_anim.FlowAnimation`).

Used by the walkthrough's *Sepanjang tahun* tab and by the trainer dashboard, which opens the
class's kelurahan (the answer key's run or a trainee's) in the same view for the debrief.

``ipywidgets.Play`` ticks in the browser; its own buttons are hidden (its "stop" resets to day 0)
and one text button plays and pauses where it is (a real pause). The slider, the dots and the
play state are linked in the browser (``jslink``), so the dots never wait for the kernel; the
sentence is written by the kernel from the same day. ``on_day`` callbacks (the walkthrough's
area chart) run after the sentence.
"""
from __future__ import annotations

import html
from typing import Callable

import ipywidgets as W
import pandas as pd

from slrt_sim.apps.flow_anim import FlowAnimation
from slrt_sim.experiments import animation as AN
from slrt_sim.i18n import fmt_num, t


class YearView:
    """``view.widget`` to display; :meth:`show` puts a run's cases on it."""

    def __init__(self, horizon: int, step: int = 7, interval_ms: int = 700):
        self.play = W.Play(value=0, min=0, max=horizon, step=step, interval=interval_ms, show_repeat=False,
                           layout=W.Layout(display="none"))
        self.play_btn = W.ToggleButton(value=False, description=t("walk.year.play"), icon="play",
                                       layout=W.Layout(width="auto"))
        self.play_btn.add_class("slrt-play")
        W.jslink((self.play_btn, "value"), (self.play, "playing"))
        self.play_btn.observe(self._on_play_btn, names="value")
        self.day = W.IntSlider(value=0, min=0, max=horizon, step=1, description=t("walk.year.day"),
                               continuous_update=False, layout=W.Layout(width="520px", max_width="100%"))
        self.day.add_class("slrt-walk-day")
        W.jslink((self.play, "value"), (self.day, "value"))
        self.day_html = W.HTML()
        self.day_html.add_class("slrt-day-text")
        self.flow = FlowAnimation(layout=W.Layout(width="100%"))
        self.flow.add_class("slrt-flow-widget")
        W.jslink((self.play, "value"), (self.flow, "day"))
        W.jslink((self.play_btn, "value"), (self.flow, "playing"))
        self._flow: AN.Flow | None = None
        self.on_day: list[Callable[[int], None]] = []
        self.day.observe(lambda _c: self._on_day(), names="value")
        self.widget = W.VBox([W.HBox([self.play_btn, self.play, self.day]), self.day_html,
                              W.HTML(f"<h3>{html.escape(t('walk.flow.title'))}</h3>"), self.flow])
        self.widget.add_class("slrt-year-view")

    def show(self, cases: pd.DataFrame, horizon: float, households=(), log=None) -> AN.Flow:
        """Put the households of ``cases`` (a run's case table) on the view; the day stays.
        ``households`` (role-play files played in the run) are added as ringed dots; ``log`` is the
        run's event log, whose rows move the dots (:func:`slrt_sim.experiments.animation.flow`)."""
        self._flow, marked = AN.with_households(AN.flow(cases, horizon, log), households)
        self.flow.show_flow(self._flow, marked)
        self.day_html.value = self.status()
        return self._flow

    def status(self) -> str:
        """The day's sentence: the counts of the dots' columns (exact on every day, the last included)."""
        if self._flow is None:
            return ""
        counts = self._flow.counts_at(self.day.value)
        return t("walk.flow.status", day=fmt_num(self.day.value, 0), **{k: fmt_num(v, 0) for k, v in counts.items()})

    def _on_play_btn(self, change) -> None:
        playing = bool(change["new"])
        self.play_btn.description = t("walk.year.pause" if playing else "walk.year.play")
        self.play_btn.icon = "pause" if playing else "play"

    def _on_day(self) -> None:
        self.day_html.value = self.status()
        for callback in self.on_day:
            callback(self.day.value)
