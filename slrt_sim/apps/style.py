"""What every app looks like on a phone: one stylesheet and one table helper.

Most trainees in a hall use phones (360–412 px wide). Every app's root widget gets the class
``slrt-ui`` and shows :data:`CSS` once; then

* buttons, checkboxes, radio buttons, dropdowns and text boxes are at least 40 px high
  (touch targets), text boxes never wider than the screen;
* tab titles wrap onto several rows instead of being cut ("K01 Cin…");
* tables made with :func:`table` (``class="slrt-stack"``) turn into one card per row below
  640 px: each cell is shown with its column name, so no column is lost off the right edge;
* long words (addresses, NIKs) wrap inside their box;
* below 640 px a control's description (``description=``) sits above the control, which then
  takes the whole width; pictures shrink to the screen (the planner and the walkthrough).
"""
from __future__ import annotations

import html
import logging
import threading
from typing import Callable, Iterable, Sequence

import ipywidgets as W

from slrt_sim.training.views import table_html

__all__ = ["CSS", "ROOT_CLASS", "capped", "deferred", "table"]

ROOT_CLASS = "slrt-ui"

CSS = """<style>
.slrt-ui { box-sizing: border-box; max-width: 100%; overflow-wrap: break-word; }
.slrt-ui .widget-html-content { white-space: normal; overflow-wrap: break-word; line-height: 1.45; }
.slrt-ui th { overflow-wrap: normal; word-break: normal; }
.slrt-ui .widget-html, .slrt-ui .widget-htmlmath { max-width: 100%; }
.slrt-ui .widget-vbox, .slrt-ui .widget-hbox, .slrt-ui .widget-box { min-width: 0; max-width: 100%; }
.slrt-ui .widget-hbox { flex-wrap: wrap; gap: 4px 8px; }
.slrt-ui .jupyter-button { width: auto; min-width: 40px; min-height: 40px; height: auto; white-space: normal; max-width: 100%;
                           line-height: 1.25; padding: 6px 14px; font-size: 15px; }
.slrt-ui .widget-toggle-buttons .widget-toggle-button { min-height: 40px; }
.slrt-ui .widget-inline-hbox { flex-wrap: wrap; max-width: 100%; height: auto; }
.slrt-ui .widget-text input, .slrt-ui .widget-textarea textarea, .slrt-ui .widget-dropdown select {
    min-height: 40px; font-size: 16px; box-sizing: border-box; max-width: 100%; }
.slrt-ui .widget-text, .slrt-ui .widget-textarea, .slrt-ui .widget-dropdown { max-width: 100%; height: auto; }
.slrt-ui .widget-dropdown select, .slrt-ui .widget-text input { min-width: 0; flex: 1 1 auto; }
.slrt-ui .widget-text input, .slrt-ui .widget-dropdown select { height: 40px; }
.slrt-ui .widget-checkbox { height: auto !important; }
.slrt-ui .widget-checkbox label.widget-label-basic, .slrt-ui .widget-radio-box label {
    min-height: 40px; height: auto !important; display: flex; align-items: center; gap: 8px;
    white-space: normal; line-height: 1.3; cursor: pointer; }
.slrt-ui .widget-radio-box label { flex-direction: row-reverse; justify-content: flex-end; }
.slrt-ui input[type=checkbox], .slrt-ui input[type=radio] { width: 22px; height: 22px; margin: 0; flex: none; }
.slrt-ui .widget-radio-box { height: auto !important; }
.slrt-ui .lm-TabBar, .slrt-ui .lm-TabBar.jupyter-widgets { min-height: 40px; height: auto !important;
    max-height: none !important; overflow: visible; }
.slrt-ui .lm-TabBar-content { flex-wrap: wrap; height: auto !important; }
.slrt-ui .lm-TabBar-tab { flex: 0 0 auto !important; min-width: 0; max-width: none !important;
    min-height: 40px !important; line-height: 40px !important; height: auto !important; padding: 0 12px; margin-bottom: 2px;
    box-sizing: border-box; }
.slrt-ui .lm-TabBar-tab .lm-TabBar-tabLabel { line-height: 40px !important; }
.slrt-ui .lm-TabBar-tabLabel { overflow: visible; white-space: nowrap; }
.slrt-ui table.slrt-stack { border-collapse: collapse; max-width: 100%; }
.slrt-ui table.slrt-stack td, .slrt-ui table.slrt-stack th { border: 1px solid #d0d7de; padding: 3px 6px;
    text-align: left; vertical-align: top; }
/* a sign of work, shown at once */
.slrt-busy-sign { display: inline-flex; align-items: center; gap: 8px; color: #0b4f9c; font-weight: 600;
                  min-height: 24px; }
.slrt-busy-sign::before { content: ""; width: 16px; height: 16px; border-radius: 50%; flex: none;
    border: 3px solid #c8d8ee; border-top-color: #0b4f9c; animation: slrt-spin 0.8s linear infinite; }
@keyframes slrt-spin { to { transform: rotate(360deg); } }
@media (max-width: 640px) {
  .slrt-ui { font-size: 15px; }
  .slrt-ui table.slrt-stack, .slrt-ui table.slrt-stack thead, .slrt-ui table.slrt-stack tbody, .slrt-ui table.slrt-stack tr,
  .slrt-ui table.slrt-stack td { display: block; width: auto; }
  .slrt-ui table.slrt-stack tr.slrt-head { display: none; }
  .slrt-ui table.slrt-stack tr { border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; padding: 4px 6px; }
  .slrt-ui table.slrt-stack tr td { border: none; padding: 2px 0; display: flex; gap: 8px; }
  .slrt-ui table.slrt-stack td::before { content: attr(data-label); font-weight: 600; flex: 0 0 7.5em; }
  .slrt-ui table.slrt-stack td[data-label=""]::before { display: none; }
  /* a control's description goes above it, the control takes the whole width */
  .slrt-ui .widget-inline-hbox > .widget-label:not(.widget-label-basic) { flex: 0 0 100% !important;
      width: auto !important; max-width: 100% !important; text-align: left; justify-content: flex-start; }
  .slrt-ui .widget-inline-hbox > :not(.widget-label) { min-width: 0; max-width: 100%; }
  .slrt-ui .widget-inline-hbox .slider-container { flex: 1 1 auto; min-width: 0; }
  .slrt-ui .widget-toggle-buttons .widget-toggle-button { width: auto !important; max-width: 100%; }
  .slrt-ui .widget-toggle-buttons .btn-group, .slrt-ui .widget-toggle-buttons { flex-wrap: wrap; }
  .slrt-ui .widget-image img, .slrt-ui img { max-width: 100%; height: auto; }
  .slrt-ui table.slrt-compare td { white-space: normal; }
  .slrt-ui table.slrt-compare { font-size: 12px; }
}
</style>"""


def table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "", stack: bool = True) -> str:
    """An HTML table whose rows become labelled cards on a phone (:func:`slrt_sim.training.views.table_html`
    with ``stack``); ``head`` is plain text, the cells are HTML already. ``stack=False`` keeps a
    narrow table (two short columns) a table."""
    return table_html(list(head), [list(r) for r in rows], cls=cls, stack=stack)


def capped(px: int) -> W.Layout:
    """A control's layout: the whole width on a phone, at most ``px`` wide on a larger screen."""
    return W.Layout(width="100%", max_width=f"{px}px")


def deferred(build: Callable[[], W.Widget], waiting: str, failed: str, root_class: str = "",
             background: bool = True) -> W.Widget:
    """A widget shown at once with a sign of work (``waiting``), replaced by ``build()`` once a
    background thread has made it: the walkthrough and the planner spend seconds simulating
    before their first screen, and the page must not stay blank meanwhile. A failure shows
    ``failed`` (one line; the traceback goes to the server log). The box has ``.thread`` (tests join it).
    ``background=False`` returns ``build()`` itself (a script, a test)."""
    if not background:
        return build()
    sign = W.HTML(f"<span class='slrt-busy-sign slrt-opening'>{html.escape(waiting)}</span>")
    box = W.VBox([W.HTML(CSS), sign])
    box.add_class(ROOT_CLASS)
    if root_class:
        box.add_class(root_class)

    def run() -> None:
        try:
            box.children = [build()]
        except Exception:  # noqa: BLE001 - the trainer gets one line, the log the traceback
            logging.getLogger("slrt_sim.apps").exception("building %s failed", root_class or "the app")
            box.children = [W.HTML(CSS), W.HTML(f"<p class='slrt-err'>{html.escape(failed)}</p>")]

    box.thread = threading.Thread(target=run, name="slrt-open", daemon=True)
    box.thread.start()
    return box
