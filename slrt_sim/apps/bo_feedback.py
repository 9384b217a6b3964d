"""The back office's result after a submit: the score and a few lines, then one short row per case.

A queue's grade has some fifty items; shown as one table it was about 27 phone screens.
:func:`result_html` gives the lead (score, which cases were right, which need another look, what
the mistakes did to the families) and one folded row per case — "K03 · Siti Aminah  3/4 ✘" —
that opens on a tap to that case's items, then one row for the queue's order and time. A
sentence several items share is shown once.
"""
from __future__ import annotations

import html
from typing import Any

from slrt_sim.apps.fo_feedback import unique_sentences
from slrt_sim.apps.roleplay import fold, summary_html
from slrt_sim.i18n import fmt_num, t

__all__ = ["result_html"]


def _pts(x: float) -> str:
    return fmt_num(x, 0) if float(x).is_integer() else fmt_num(x, 1)


def _item_li(it: dict, msg: str, case_prefix: str) -> str:
    mark = "<span class='slrt-ok'>✔</span>" if it["ok"] else "<span class='slrt-bad'>✘</span>"
    label = it["item"][len(case_prefix):] if case_prefix and it["item"].startswith(case_prefix) else it["item"]
    pts = f"{_pts(it.get('points', 0))}/{_pts(it.get('max_points', 0))}"
    return (f"<li class='{'slrt-item-ok' if it['ok'] else 'slrt-item-bad'}'>{mark} <b>{html.escape(label)}</b> "
            f"<small>({pts})</small>: {html.escape(msg)}</li>")


def result_html(result: dict, queue: Any) -> tuple[str, str]:
    """``(summary, rows)`` HTML of a saved BO result (``score``, ``max_score``, ``items``)."""
    items = result["items"]
    messages = unique_sentences([i["message"] for i in items])
    by_case: dict[str, list[tuple[dict, str]]] = {c.case_id: [] for c in queue.cases}
    rest: list[tuple[dict, str]] = []
    for it, msg in zip(items, messages):
        cid = it["item"].split(" ", 1)[0]
        (by_case[cid] if cid in by_case else rest).append((it, msg))
    right, wrong, rows = [], [], []
    for c in queue.cases:
        its = by_case[c.case_id]
        if not its:
            continue
        got = sum(i.get("points", 0) for i, _ in its)
        top = sum(i.get("max_points", 0) for i, _ in its)
        ok = all(i["ok"] for i, _ in its)
        (right if ok else wrong).append(c.case_id)
        prefix = f"{c.case_id} · {c.head_name} · "
        title = f"{'✔' if ok else '✘'} {c.case_id} · {c.head_name} — {_pts(got)}/{_pts(top)}"
        body = "<ul class='slrt-fb'>" + "".join(_item_li(i, m, prefix) for i, m in
                                                  sorted(its, key=lambda x: x[0]["ok"])) + "</ul>"
        rows.append(fold(title, body, f"slrt-case-row slrt-row-{c.case_id} {'slrt-row-ok' if ok else 'slrt-row-bad'}"))
    if rest:
        ok = all(i["ok"] for i, _ in rest)
        got, top = sum(i.get("points", 0) for i, _ in rest), sum(i.get("max_points", 0) for i, _ in rest)
        title = f"{'✔' if ok else '✘'} {t('bo.result.queue_row')} — {_pts(got)}/{_pts(top)}"
        rows.append(fold(title, "<ul class='slrt-fb'>" + "".join(_item_li(i, m, "") for i, m in rest) + "</ul>",
                         "slrt-case-row slrt-row-queue"))
    pct = 100 * result["score"] / result["max_score"] if result["max_score"] else 0
    score = html.escape(t("bo.result.title", score=fmt_num(result["score"], 1), max=fmt_num(result["max_score"], 1),
                          pct=fmt_num(pct, 0) + "%"))
    family = t("bo.sum.family", n=len(wrong)) if wrong else t("bo.sum.family_ok")
    summary = summary_html(score, [t("bo.sum.cases", ids=", ".join(right))] if right else [],
                           [t("bo.sum.cases", ids=", ".join(wrong))] if wrong else [], family)
    return summary, f"<div class='slrt-case-rows'><p class='slrt-rows-hint'>{html.escape(t('bo.sum.rows_hint'))}</p>" \
        + "".join(rows) + "</div>"
