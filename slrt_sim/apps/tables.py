"""HTML tables of result frames, shared by the planner and walkthrough apps."""
from __future__ import annotations

import html

TABLE_CSS = """<style>
.slrt-compare {border-collapse: collapse; font-size: 13px}
.slrt-compare th, .slrt-compare td {border: 1px solid #ccc; padding: 3px 8px; text-align: right}
.slrt-compare th:first-child, .slrt-compare td:first-child {text-align: left}
.slrt-compare td {white-space: nowrap}
.slrt-step {font-size: 15px; line-height: 1.45; max-width: 760px}
.slrt-app .lm-TabBar-tab {flex: 0 0 auto !important; max-width: none !important; min-width: 150px}
</style>"""


def table_html(df, css_class: str = "slrt-compare") -> str:
    """``df`` as an HTML table (index first), every cell escaped, with the shared style."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [""] + list(df.columns))
    rows = "".join(
        "<tr>" + f"<td>{html.escape(str(idx))}</td>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for idx, row in zip(df.index, df.itertuples(index=False)))
    return f'{TABLE_CSS}<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
