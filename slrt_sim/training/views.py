"""HTML views of the role plays' data, shared by the apps and the trainer dashboard's logic.

Plain strings (no widgets): the registration a back-office trainee works on, and a table.
"""
from __future__ import annotations

import html

from slrt_sim.i18n import t


def table_html(head: list[str], rows: list[list[str]], cls: str = "slrt-t", escape: bool = False,
               stack: bool = False) -> str:
    """A table; cells are HTML unless ``escape`` (then they are text).

    Each cell carries its column name (``data-label``), so that with ``stack`` (class
    ``slrt-stack``) the apps' phone stylesheet (:mod:`slrt_sim.apps.style`) shows every row as
    a card of labelled values instead of columns cut off at the right edge.
    """
    cell = (lambda c: html.escape(str(c))) if escape else str
    labels = [html.escape(str(h), quote=True) for h in head]
    th = "".join(f"<th>{h}</th>" for h in labels)
    body = "".join("<tr>" + "".join(f'<td data-label="{labels[k] if k < len(labels) else ""}">{cell(c)}</td>'
                                    for k, c in enumerate(r)) + "</tr>" for r in rows)
    classes = f"{'slrt-stack ' if stack else ''}{cls}".strip()
    return f'<table class="{classes}"><thead><tr class="slrt-head">{th}</tr></thead><tbody>{body}</tbody></table>'


def registration_html(case) -> str:
    """The registration of a :class:`slrt_sim.training.back_office.BoCase` as the front office
    recorded it (nothing of the answer)."""
    from slrt_sim.i18n import category_label as label

    e = html.escape
    r = case.registration
    fields = [("bo.case.field.ref", e(r["ref"]))] if r.get("ref") else []
    fields += [
        ("bo.case.field.name", e(r["name"])), ("bo.case.field.nik", f"<code>{e(r['nik'])}</code>"),
        ("bo.case.field.kk", f"<code>{e(r['kk'] or '-')}</code>"), ("bo.case.field.address", e(r["address"])),
        ("bo.case.field.channel", e(t(f"bo.case.channel.{r['channel']}"))),
        ("bo.case.field.needs", e(", ".join(t(f"need.{n}") for n in case.needs))),
        ("bo.case.field.documents", e("; ".join(r["documents"]))),
        ("bo.case.field.story", e(r["story"])),
    ]
    rows = "".join(f"<tr><th>{e(t(k))}</th><td>{v}</td></tr>" for k, v in fields)
    members = []
    for m in case.members:
        notes = []
        if m["disability"] != "none":
            notes.append(label("disability", m["disability"]))
        if m["pregnant"]:
            notes.append(t("bo.member.pregnant"))
        if m["chronic"]:
            notes.append(t("bo.member.chronic"))
        notes.append(label("schooling", m["schooling"]))
        members.append([e(m["name"]), e(label("relation", m["relation"])), e(m["sex"]), str(m["age"]),
                        e(", ".join(notes))])
    mt = table_html([t("bo.col.name"), t("bo.col.relation"), t("bo.col.sex"), t("bo.col.age"), t("bo.col.notes")],
                    members, stack=True)
    return (f'<div class="slrt-box"><b>{e(t("bo.case.registration"))}</b>'
            f'<table class="slrt-t">{rows}</table><b>{e(t("bo.case.members"))}</b>{mt}</div>')
