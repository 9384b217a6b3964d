"""The trainer dashboard's logic: PIN check, class results, mistakes by rule, discussion, export.

Presentation is in :mod:`slrt_sim.apps.dashboard`; the data come from
:class:`slrt_sim.training.store.SessionStore`. Nothing here needs a browser, so the tests call it
directly.
"""
from __future__ import annotations

import base64
import datetime as dt
import hmac
import html
import io
import json
import os
from typing import Any

from slrt_sim.domain import programs
from slrt_sim.i18n import fmt_num, has, t

PIN_ENV = "SLRT_TRAINER_PIN"
RESULT_COLUMNS = ("trainee", "app", "case_id", "score", "max_score", "pct", "minutes", "submitted")


# ---------------------------------------------------------------------------- PIN
def check_pin(entered: str, expected: str | None = None) -> str:
    """``"ok"``, ``"wrong"``, or ``"unset"`` when the server has no PIN (nothing is shown then)."""
    pin = (os.environ.get(PIN_ENV, "") if expected is None else expected).strip()
    if not pin:
        return "unset"
    given = "".join(str(entered or "").split())
    return "ok" if hmac.compare_digest(given.encode(), pin.encode()) else "wrong"


# ---------------------------------------------------------------------------- results
def results(store, class_code: str):
    """One row per submission: trainee, app, case, score, max, percent, minutes, submitted time."""
    import pandas as pd

    sub = store.submissions(class_code)
    if sub.empty:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    out = pd.DataFrame({
        "trainee": sub["trainee"], "app": sub["app"], "case_id": sub["case_id"],
        "score": sub["score"].astype(float), "max_score": sub["max_score"].astype(float),
    })
    out["pct"] = (100 * out["score"] / out["max_score"].where(out["max_score"] > 0)).fillna(0).round(1)
    out["minutes"] = (sub["duration_s"].astype(float) / 60).round(1)
    out["submitted"] = [dt.datetime.fromtimestamp(x).strftime("%Y-%m-%d %H:%M:%S") for x in sub["submitted_at"]]
    return out


def summary(df) -> dict[str, Any]:
    if df.empty:
        return {"n": 0, "trainees": 0, "mean": float("nan"), "median": float("nan")}
    return {"n": int(len(df)), "trainees": int(df["trainee"].str.casefold().nunique()),
            "mean": float(df["pct"].mean()), "median": float(df["pct"].median())}


def fingerprint(store, class_code: str) -> tuple:
    """Changes whenever a submission arrives (the live view redraws only then)."""
    sub = store.submissions(class_code)
    return (len(sub), int(sub["id"].max()) if len(sub) else 0)


def rule_text(rule: str, lang: str | None = None) -> str:
    """The sentence of a rule key (catalogue), or the key itself when it is a free item name."""
    if rule and has(rule):
        from slrt_sim.training.back_office import STALE_YEARS

        return t(rule, lang=lang, program=t("bo.program_generic", lang=lang), other="…", years=STALE_YEARS)
    return rule or ""


def mistakes_by_rule(store, class_code: str):
    """Not-ok feedback items per rule: ``rule``, ``text``, ``count``, ``trainees`` (distinct)."""
    import pandas as pd

    counts: dict[str, list] = {}
    for row in store.submissions(class_code).itertuples(index=False):
        for fb in json.loads(row.feedback):
            if fb.get("ok"):
                continue
            rule = str(fb.get("rule") or fb.get("item"))
            entry = counts.setdefault(rule, [0, set()])
            entry[0] += 1
            entry[1].add(row.trainee_key)
    data = [(r, rule_text(r), n, len(ts)) for r, (n, ts) in counts.items()]
    df = pd.DataFrame(data, columns=["rule", "text", "count", "trainees"])
    return df.sort_values(["count", "rule"], ascending=[False, True], ignore_index=True)


def score_histogram_png(df, class_code: str) -> bytes:
    """Score distribution (percent of the maximum) as a PNG, with Indonesian (catalogue) labels."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.2), dpi=96)
    ax = fig.add_subplot()
    bins = list(range(0, 101, 10))
    for app, color in (("fo", "#4c72b0"), ("bo", "#dd8452")):
        part = df[df["app"] == app]["pct"] if not df.empty else []
        if len(part):
            ax.hist(part.clip(0, 100), bins=bins, alpha=0.75, color=color, label=t(f"dash.app.{app}"))
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("dash.plot.x"))
    ax.set_ylabel(t("dash.plot.y"))
    ax.set_title(t("dash.plot.title", code=class_code))
    ax.yaxis.get_major_locator().set_params(integer=True)
    if not df.empty:
        ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ---------------------------------------------------------------------------- export
def export_csv(df) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel opens the UTF-8 names right


def export_xlsx(df, mistakes=None) -> bytes:
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name=t("sheet.results"), index=False)
        if mistakes is not None:
            mistakes.to_excel(xw, sheet_name=t("sheet.mistakes"), index=False)
    return buf.getvalue()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_link(data: bytes, filename: str, mime: str, label: str, cls: str = "") -> str:
    """A link that downloads ``data`` from the page itself (a data URI: works offline)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a class="{html.escape(cls)}" download="{html.escape(filename)}" '
            f'href="data:{mime};base64,{b64}">{html.escape(label)}</a>')


# ---------------------------------------------------------------------------- discussion
def bo_cases(klass: dict):
    from slrt_sim.training import back_office as bo

    return bo.build_queue(klass["code"], int(klass["seed"]), klass["level"])


def bo_discussion_html(queue, case_id: str, lang: str | None = None) -> str:
    """The case as the trainee saw it, then the right answer with every rule explained."""
    from slrt_sim.training import back_office as bo
    from slrt_sim.apps.back_office import registration_html

    e = html.escape
    c = queue.case(case_id)
    key = bo.answer_key(queue)["cases"][case_id]
    refs = bo.right_referrals(queue)
    out = [f"<h4>{e(t('dash.discussion.story', lang=lang))}</h4>", registration_html(c),
           f"<h4>{e(t('dash.discussion.answer', lang=lang))}</h4><ul>"]
    st = key["status"]
    out.append(f"<li><b>{e(t('bo.fb.section.status', lang=lang))}</b>: {e(t(f'bo.status.{st}', lang=lang))}</li>")
    out.append(f"<li><b>{e(t('bo.fb.section.verval', lang=lang))}</b>: "
               f"{e(t('bo.yes', lang=lang) if key['verval'] else t('bo.no', lang=lang))}</li>")
    for p, ok in key["decisions"].items():
        right, v = bo.decision(c, p)
        why = v.explain(lang)
        if v.eligible and not right:
            why.append(t("bo.rule.already_receives", lang=lang, program=t(f"prog.{p}.name", lang=lang)))
        out.append(f"<li><b>{e(t(f'prog.{p}.name', lang=lang))}</b>: "
                   f"{e(t('bo.eligible' if ok else 'bo.not_eligible', lang=lang))} — {e(' '.join(why))}</li>")
    for (cid, need), prog in refs.items():
        if cid == case_id:
            txt = (t("bo.fb.referral.to", lang=lang, need=t(f"need.{need}", lang=lang),
                     program=t(f"prog.{prog}.name", lang=lang)) if prog
                   else t("bo.fb.referral.none", lang=lang, need=t(f"need.{need}", lang=lang)))
            out.append(f"<li>{e(txt)}</li>")
    if key["priority"]:
        out.append(f"<li><b>{e(t('bo.fb.section.priority', lang=lang))}</b>: {key['priority']} — "
                   f"{e(t('bo.rule.priority', lang=lang))}</li>")
    if c.duplicate_of:
        out.append(f"<li>{e(t('bo.rule.duplicate', lang=lang, other=c.duplicate_of))}</li>")
    out.append("</ul>")
    return "".join(out)


def fo_cases(klass: dict):
    """The front-office cases of the class (from :mod:`slrt_sim.training.front_office`), or ``None``."""
    try:
        from slrt_sim.training import front_office as roleplay
    except ImportError:
        return None
    fn = getattr(roleplay, "class_cases", None)
    if fn is None:
        return None
    return fn(klass["code"], int(klass["seed"]), klass["level"], app="fo")


def fo_discussion_html(case, lang: str | None = None) -> str:
    """A front-office case: its story, and per need the referral that :func:`programs.refer` gives."""
    e = html.escape
    out = [f"<h4>{e(t('dash.discussion.story', lang=lang))}</h4>",
           f"<p>{e(str(getattr(case, 'story', '')))}</p>"]
    docs = getattr(case, "documents", None)
    if docs:
        out.append("<ul>" + "".join(f"<li>{e(str(d))}</li>" for d in docs) + "</ul>")
    out.append(f"<h4>{e(t('dash.discussion.answer', lang=lang))}</h4><ul>")
    for need in getattr(case, "needs", ()) or ():
        ref = programs.refer(need, case.household)
        if ref.program:
            head = t("bo.fb.referral.to", lang=lang, need=t(f"need.{need}", lang=lang),
                     program=t(f"prog.{ref.program}.name", lang=lang))
        else:
            head = t("bo.fb.referral.none", lang=lang, need=t(f"need.{need}", lang=lang))
        why = [s for v in ref.verdicts for s in v.explain(lang)]
        if ref.propose_dtks:
            why.append(t("rule.not_in_dtks", lang=lang, program="DTKS"))
        out.append(f"<li><b>{e(head)}</b> {e(' '.join(why))}</li>")
    out.append("</ul>")
    return "".join(out)


def format_pct(x: float) -> str:
    return fmt_num(x, 0) if x == x else "–"


# ---------------------------------------------------------------------------- projector view
PRACTICE_SUFFIX = "-LATIHAN"
"""A back-office attempt after the first ("Again") is saved with this suffix on its ``case_id``:
a practice attempt, shown apart and not counted in the class's back-office statistics."""


def is_practice(case_id: str) -> bool:
    return str(case_id).endswith(PRACTICE_SUFFIX)


def progress(df):
    """One row per trainee (for the projector): front-office cases done and mean %, back-office
    graded % (first attempt) and the number of practice attempts after it."""
    import pandas as pd

    cols = ["trainee", "fo_cases", "fo_pct", "bo_pct", "bo_practice"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    d = df.assign(key=df["trainee"].str.casefold(), practice=df["case_id"].map(is_practice))
    rows = []
    for _key, g in d.groupby("key", sort=True):
        fo = g[g["app"] == "fo"]
        bo_graded = g[(g["app"] == "bo") & ~g["practice"]]
        rows.append((g["trainee"].iloc[0], int(fo["case_id"].nunique()), float(fo["pct"].mean()) if len(fo) else float("nan"),
                     float(bo_graded["pct"].iloc[0]) if len(bo_graded) else float("nan"),
                     int(((g["app"] == "bo") & g["practice"]).sum())))
    return pd.DataFrame(rows, columns=cols)


def app_summary(df, app: str) -> dict[str, Any]:
    """:func:`summary` of one app's graded submissions (back-office practice attempts left out)."""
    part = df[(df["app"] == app) & ~df["case_id"].map(is_practice)] if not df.empty else df
    return summary(part)
