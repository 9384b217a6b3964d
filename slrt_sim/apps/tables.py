"""HTML tables of result frames, shared by the planner and walkthrough apps."""
from __future__ import annotations

from slrt_sim.training.views import table_html as views_table

TABLE_CSS = """<style>
.slrt-compare {border-collapse: collapse; font-size: 13px}
.slrt-compare th, .slrt-compare td {border: 1px solid #ccc; padding: 3px 8px; text-align: right}
.slrt-compare th:first-child, .slrt-compare td:first-child {text-align: left}
.slrt-compare td {white-space: nowrap}
.slrt-compare td[data-label=""] {font-weight: 600}
.slrt-step {font-size: 15px; line-height: 1.45; max-width: 760px}
.slrt-app .lm-TabBar-tab {flex: 0 0 auto !important; max-width: none !important; min-width: 150px}
</style>"""


def table_html(df, css_class: str = "slrt-compare") -> str:
    """``df`` as an HTML table (index first, unlabelled), every cell escaped, with the shared style.

    Made by :func:`slrt_sim.training.views.table_html` with ``stack``: on a phone
    (:mod:`slrt_sim.apps.style`) each row becomes a card of labelled values instead of columns
    running off the right edge."""
    rows = [[idx, *row] for idx, row in zip(df.index, df.itertuples(index=False))]
    return TABLE_CSS + views_table([""] + [str(c) for c in df.columns], rows, cls=css_class, escape=True, stack=True)
