"""The front office's feedback after a submit: a few lines first, the detail folded below.

:func:`feedback_html` turns a grade (:func:`slrt_sim.training.fo_grading.grade`, as saved in the
trainee's state) into the summary a trainee reads on one phone screen — the score, which parts
were right, which were wrong, and where the decision sent the family — and the per-item detail,
folded. A sentence that several items share (a programme rule explained for the decision and
again for a programme) is shown once, at its first item.
"""
from __future__ import annotations

import html
import re
from typing import Any

from slrt_sim.apps.roleplay import summary_html
from slrt_sim.i18n import fmt_num, t
from slrt_sim.training import front_office as rp

__all__ = ["feedback_html", "item_label"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def item_label(item: str) -> str:
    """ "needs:food" -> "Kebutuhan · Pangan"."""
    base, _, sub = item.partition(":")
    label = t(f"rp.fo.item.{base}") if base in rp.WEIGHTS else base
    if sub:
        label += " · " + (t(f"need.{sub}") if base == "needs" else t(f"prog.{sub}.name"))
    return label


def unique_sentences(messages: list[str]) -> list[str]:
    """Each message without the sentences an earlier message already said."""
    seen: set[str] = set()
    out = []
    for m in messages:
        kept = []
        for s in _SENTENCE.split(m.strip()):
            key = " ".join(s.split()).lower()
            if key and key not in seen:
                seen.add(key)
                kept.append(s)
        out.append(" ".join(kept))
    return out


def _family_line(items: list[dict]) -> str:
    """Where the decision sent the family, in one sentence."""
    dec = next((i for i in items if i["item"] == "decision"), None)
    if dec is None:
        return ""
    return t("rp.sum.family.ok") if dec["ok"] else t("rp.sum.family.wrong")


def feedback_html(grade: dict, case: Any = None) -> tuple[str, str]:
    """``(summary, detail)`` HTML of a saved grade (``score``, ``items``)."""
    items = grade["items"]
    right = [item_label(i["item"].partition(":")[0]) for i in items if i["ok"]]
    wrong = [item_label(i["item"]) for i in items if not i["ok"]]
    right = [r for r in dict.fromkeys(right) if r not in {item_label(w.split(" · ")[0]) for w in wrong}
             and r not in wrong]
    summary = summary_html(t("rp.fo.score", score=fmt_num(grade["score"], 1)), right, wrong, _family_line(items))
    messages = unique_sentences([i["message"] for i in items])
    rows = []
    # the mistakes first: they are what the trainee came to read
    for i, msg in sorted(zip(items, messages), key=lambda x: x[0]["ok"]):
        mark = "<span class='slrt-ok'>✔</span>" if i["ok"] else "<span class='slrt-bad'>✘</span>"
        rows.append(f"<li class='{'slrt-item-ok' if i['ok'] else 'slrt-item-bad'}'>{mark} "
                    f"<b>{html.escape(item_label(i['item']))}</b>: {html.escape(msg)}</li>")
    return summary, f"<ul class='slrt-fb'>{''.join(rows)}</ul>"
