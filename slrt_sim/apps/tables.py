"""HTML tables of result frames, shared by the planner and walkthrough apps."""
from __future__ import annotations

import html

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
    """``df`` as an HTML table (index first), every cell escaped, with the shared style.

    Each cell carries its column name (``data-label``) and the table the class ``slrt-stack``,
    so that on a phone (:mod:`slrt_sim.apps.style`) each row becomes a card of labelled values
    (the index value first, unlabelled) instead of columns running off the right edge."""
    labels = [html.escape(str(c), quote=True) for c in list(df.columns)]
    head = "".join(f"<th>{h}</th>" for h in [""] + labels)
    rows = "".join(
        "<tr>" + f'<td data-label="">{html.escape(str(idx))}</td>'
        + "".join(f'<td data-label="{label}">{html.escape(str(v))}</td>' for label, v in zip(labels, row)) + "</tr>"
        for idx, row in zip(df.index, df.itertuples(index=False)))
    return (f'{TABLE_CSS}<table class="slrt-stack {css_class}"><thead><tr class="slrt-head">{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")
